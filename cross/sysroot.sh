#!/bin/sh
# cross/sysroot.sh ARCH|all: makes sure everything cross/build.sh ARCH needs is on this machine.
#   - the cross gcc toolchain (crt files, libc.a, libgcc, libatomic, <gnu>-strip) and file(1),
#     installed with apt-get when missing;
#   - the target's static OpenSSL (libssl-dev:<debian-arch>), fetched with `apt-get download`
#     into .cross/sysroot-<debian-arch> WITHOUT adding a dpkg architecture: apt gets private
#     state and cache directories under .cross/apt and the foreign architectures for this
#     command line only (../shared/reference/appliance-builds.md §4.2).
# ARCH: x86_64 (uses the build machine's libssl-dev), aarch64, armv7, armv5.
set -eu
cd "$(dirname "$0")/.."
W=$PWD/.cross
export DEBIAN_FRONTEND=noninteractive

die() { echo "cross/sysroot.sh: $*" >&2; exit 1; }

# arch -> Debian arch, GNU triple, packages providing the toolchain
params() {
  case $1 in
    x86_64)  DEB=amd64; GNU=x86_64-linux-gnu;    PKGS="libssl-dev binutils file";;
    aarch64) DEB=arm64; GNU=aarch64-linux-gnu;   PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross file";;
    armv7)   DEB=armhf; GNU=arm-linux-gnueabihf; PKGS="gcc-arm-linux-gnueabihf libc6-dev-armhf-cross file";;
    armv5)   DEB=armel; GNU=arm-linux-gnueabi;   PKGS="gcc-arm-linux-gnueabi libc6-dev-armel-cross file";;
    *) die "unknown arch '$1' (x86_64, aarch64, armv7, armv5, all)";;
  esac
}

missing_pkgs() {
  out=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
  done
  echo "$out"
}

apt_updated=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "missing packages:$*; run as root or install them: apt-get install -y$*"
  fi
  command -v apt-get >/dev/null || die "missing packages:$* and no apt-get on this machine"
  echo "cross/sysroot.sh: installing$*"
  if [ -z "$apt_updated" ]; then apt-get update -qq || die "apt-get update failed (network? sources?)"; apt_updated=1; fi
  # shellcheck disable=SC2086
  apt-get install -y -qq $* >/dev/null || die "apt-get install -y$* failed"
}

# apt with private lists and cache and the foreign architectures for this command only.
# One list directory per architecture: when one index of a release fails (a mirror mid-sync
# served a stale bookworm-security armhf index), apt drops that whole release, for every
# architecture of the update; kept apart, one arch's bad index costs the others nothing.
private_update() {   # private_update DEB: sets APT_PRIVATE for DEB and makes its lists current
  L=$W/apt/lists-$1
  APT_PRIVATE="-o APT::Sandbox::User=root -o Dir::State::Lists=$L -o Dir::Cache=$W/apt/cache -o APT::Architectures::=$1"
  mkdir -p "$L/partial" "$W/apt/cache/archives/partial"
  # Lists fetched in the last hour are reused.
  if [ -n "$(find "$L" -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -1)" ]; then
    return 0
  fi
  # A mirror in the middle of a sync can fail one index ("File has unexpected size"): retry.
  for try in 1 2 3; do
    # shellcheck disable=SC2086
    if apt-get $APT_PRIVATE update -qq; then return 0; fi
    echo "cross/sysroot.sh: apt-get update (private lists) failed, try $try of 3" >&2
    [ "$try" = 3 ] || sleep 5
  done
  # Some indexes did arrive (apt keeps what it could fetch): go on with them, loudly. The
  # download below fails clearly if libssl-dev is in none of them, and the version taken is printed.
  if ls "$L/"*_Packages* >/dev/null 2>&1; then
    echo "cross/sysroot.sh: WARNING: some $1 package indexes failed; using the ones that arrived" >&2
    return 0
  fi
  die "cannot read the package lists for the foreign architectures (network? sources?)"
}

sysroot_one() {
  params "$1"
  need=$(missing_pkgs $PKGS)
  [ -z "$need" ] || apt_install $need
  if [ "$1" = x86_64 ]; then
    [ -f /usr/lib/x86_64-linux-gnu/libssl.a ] || die "/usr/lib/x86_64-linux-gnu/libssl.a is missing after installing libssl-dev"
    return 0
  fi
  [ -f "/usr/$GNU/lib/libc.a" ] || die "/usr/$GNU/lib/libc.a is missing: apt-get install -y libc6-dev-$DEB-cross"
  command -v "$GNU-strip" >/dev/null || die "$GNU-strip not found: apt-get install -y binutils-$GNU"
  S=$W/sysroot-$DEB
  if [ -f "$S/usr/lib/$GNU/libssl.a" ] && [ -f "$S/usr/lib/$GNU/libcrypto.a" ] && [ -f "$S/usr/include/$GNU/openssl/configuration.h" ]; then
    return 0
  fi
  private_update "$DEB"
  rm -f "$W"/libssl-dev_*_"$DEB".deb
  # shellcheck disable=SC2086
  (cd "$W" && apt-get $APT_PRIVATE download -qq "libssl-dev:$DEB") || die "apt-get download libssl-dev:$DEB failed"
  deb=$(ls "$W"/libssl-dev_*_"$DEB".deb 2>/dev/null | head -1)
  [ -n "$deb" ] || die "apt-get download left no libssl-dev_*_$DEB.deb in $W"
  rm -rf "$S.tmp"
  dpkg-deb -x "$deb" "$S.tmp" || die "cannot unpack $deb"
  [ -f "$S.tmp/usr/lib/$GNU/libssl.a" ] || die "$deb has no usr/lib/$GNU/libssl.a"
  rm -rf "$S"; mv "$S.tmp" "$S"
  echo "cross/sysroot.sh: $1 sysroot ready: $S ($(basename "$deb"))"
  host=$(dpkg-query -W -f='${Version}' libssl-dev 2>/dev/null || true)
  got=$(dpkg-deb -f "$deb" Version)
  if [ -n "$host" ] && [ "$host" != "$got" ]; then
    echo "cross/sysroot.sh: note: $1 links OpenSSL $got, the build machine's libssl-dev (x86_64 build) is $host" >&2
  fi
}

[ $# -ge 1 ] || die "usage: cross/sysroot.sh x86_64|aarch64|armv7|armv5|all"
mkdir -p "$W"
for a in "$@"; do
  if [ "$a" = all ]; then for b in x86_64 aarch64 armv7 armv5; do sysroot_one "$b"; done
  else sysroot_one "$a"; fi
done
