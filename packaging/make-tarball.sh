#!/bin/sh
# packaging/make-tarball.sh ARCH...|all: dist/ucagent-VERSION-ARCH.tar.gz from dist/ucagent-ARCH
# (cross/build.sh ARCH first), and dist/SHA256SUMS over every release tarball in dist/.
# Tarball layout (one top directory, ucagent-VERSION-ARCH/):
#   install.sh uninstall.sh README LICENSES ARCH VERSION SHA256SUMS (of the files inside)
#   bin/ucagent
#   share/ucagent.conf (commented default) share/ucagent.service share/ucagent.init
#   share/ca-certificates.crt (this build machine's ca-certificates) share/LICENSES
# Reproducible: file times from the last commit, owner 0, sorted names, gzip -n.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(cat VERSION)
die() { echo "packaging/make-tarball.sh: $*" >&2; exit 1; }
CA=/etc/ssl/certs/ca-certificates.crt
[ -s "$CA" ] || die "$CA is missing: apt-get install -y ca-certificates"
EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }

licenses() {   # licenses ARCH > file
  case $1 in
    x86_64) libc=$(pkgver libc6-dev); gcc=$(pkgver libgcc-12-dev); ssl=$(pkgver libssl-dev) ;;
    aarch64) libc=$(pkgver libc6-dev-arm64-cross); gcc=$(pkgver libgcc-12-dev-arm64-cross); deb=arm64 ;;
    armv7) libc=$(pkgver libc6-dev-armhf-cross); gcc=$(pkgver libgcc-12-dev-armhf-cross); deb=armhf ;;
    armv5) libc=$(pkgver libc6-dev-armel-cross); gcc=$(pkgver libgcc-12-dev-armel-cross); deb=armel ;;
  esac
  if [ "$1" != x86_64 ]; then
    d=$(ls .cross/libssl-dev_*_"$deb".deb 2>/dev/null | head -1)
    ssl=$( [ -n "$d" ] && dpkg-deb -f "$d" Version || echo unknown)
  fi
  swift=$(swiftc --version 2>/dev/null | head -1 | sed 's/^.*version \([^ ]*\).*$/\1/')
  sed -e "s|@GLIBC@|$libc (Debian)|" -e "s|@OPENSSL@|$ssl (Debian)|" -e "s|@SWIFT@|$swift|" -e "s|@GCC@|$gcc (Debian)|" \
    packaging/LICENSES.in
  for f in /usr/share/common-licenses/LGPL-2.1 /usr/share/doc/libc6/copyright \
           /usr/share/common-licenses/Apache-2.0 /usr/share/doc/libssl3/copyright; do
    [ -f "$f" ] || die "$f is missing (license text)"
    printf '\n\n========================================================================\n%s\n========================================================================\n\n' "$f"
    cat "$f"
  done
}

one() {
  A=$1
  BIN=dist/ucagent-$A
  [ -x "$BIN" ] || die "$BIN is missing: run cross/build.sh $A first"
  NAME=ucagent-$VERSION-$A
  S=dist/.stage/$NAME
  rm -rf "$S"; mkdir -p "$S/bin" "$S/share"
  cp "$BIN" "$S/bin/ucagent"; chmod 0755 "$S/bin/ucagent"
  cp packaging/ucagent.conf packaging/ucagent.service "$S/share/"
  cp packaging/ucagent.init "$S/share/ucagent.init"; chmod 0755 "$S/share/ucagent.init"
  cp "$CA" "$S/share/ca-certificates.crt"
  licenses "$A" > "$S/share/LICENSES"
  cp "$S/share/LICENSES" "$S/LICENSES"
  cp packaging/install.sh packaging/uninstall.sh "$S/"; chmod 0755 "$S/install.sh" "$S/uninstall.sh"
  cp packaging/README.txt "$S/README"
  echo "$A" > "$S/ARCH"; echo "$VERSION" > "$S/VERSION"
  (cd "$S" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
  find "$S" -exec touch -h -d "@$EPOCH" {} +
  tar -C dist/.stage --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" -cf - "$NAME" \
    | gzip -9n > "dist/$NAME.tar.gz.tmp"
  mv -f "dist/$NAME.tar.gz.tmp" "dist/$NAME.tar.gz"
  rm -rf "$S"
  echo "packaged dist/$NAME.tar.gz ($(wc -c < "dist/$NAME.tar.gz") bytes)"
}

[ $# -gt 0 ] || die "usage: packaging/make-tarball.sh x86_64|aarch64|armv7|armv5|all ..."
for a in "$@"; do
  case $a in
    all) for b in x86_64 aarch64 armv7 armv5; do one "$b"; done ;;
    x86_64|aarch64|armv7|armv5) one "$a" ;;
    *) die "unknown arch '$a'" ;;
  esac
done
rmdir dist/.stage 2>/dev/null || true
(cd dist && ls ucagent-*-*.tar.gz >/dev/null 2>&1 && sha256sum ucagent-*-*.tar.gz > SHA256SUMS)
echo "dist/SHA256SUMS:"; cat dist/SHA256SUMS
