#!/bin/sh
# cross/build.sh ARCH|all  ->  dist/ucagent-ARCH: stripped, fully static, Embedded Swift, OpenSSL inside.
# ARCH: x86_64, aarch64, armv7 (hard-float, VFPv3-D16, no NEON), armv5 (soft-float, ARM926).
# cross/sysroot.sh installs the cross toolchain and fetches the target's static OpenSSL first.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
W=$ROOT/.cross
mkdir -p "$W" dist

# The ELF says what the issue asks: class, machine, static; hard-float ABI on armv7, soft on armv5.
elf_check() {
  f=$(file -b "$2")
  case $1 in
    x86_64)  want="ELF 64-bit LSB executable, x86-64";;
    aarch64) want="ELF 64-bit LSB executable, ARM aarch64";;
    armv7|armv5) want="ELF 32-bit LSB executable, ARM, EABI5";;
  esac
  case $f in *"$want"*"statically linked"*) ;; *) echo "cross/build.sh: $2 is not a static $want: $f" >&2; exit 1;; esac
  abi=""
  case $1 in
    armv7) arm-linux-gnueabihf-readelf -A "$2" | grep -q "Tag_ABI_VFP_args: VFP registers" \
             || { echo "cross/build.sh: $2 lacks the hard-float ABI tag" >&2; exit 1; }; abi=", hard-float (VFP args)";;
    armv5) ! arm-linux-gnueabi-readelf -A "$2" | grep -q "Tag_ABI_VFP_args" \
             || { echo "cross/build.sh: $2 has the hard-float ABI tag" >&2; exit 1; }
           abi=", soft-float, $(arm-linux-gnueabi-readelf -A "$2" | sed -n 's/^ *Tag_CPU_arch: //p')";;
  esac
  echo "dist/ucagent-$1: $f$abi"
}

build_one() {
  ARCH=$1
  case $ARCH in
    x86_64)  TRIPLE=x86_64-unknown-linux-gnu; STRIP=strip; SYSROOT=/;;
    aarch64) TRIPLE=aarch64-none-none-elf;    STRIP=aarch64-linux-gnu-strip;   SYSROOT=$W/sysroot-arm64;;
    armv7)   TRIPLE=armv7-none-none-eabi;     STRIP=arm-linux-gnueabihf-strip; SYSROOT=$W/sysroot-armhf;;
    armv5)   TRIPLE=armv4t-none-none-eabi;    STRIP=arm-linux-gnueabi-strip;   SYSROOT=$W/sysroot-armel;;
    *) echo "cross/build.sh: unknown arch '$ARCH' (x86_64, aarch64, armv7, armv5, all)" >&2; exit 2;;
  esac
  "$ROOT/cross/sysroot.sh" "$ARCH"
  if [ "$ARCH" = x86_64 ] && [ ! -f /usr/lib/x86_64-linux-gnu/libssl.a ]; then
    echo "cross/build.sh: /usr/lib/x86_64-linux-gnu/libssl.a is missing: apt-get install -y libssl-dev" >&2; exit 1
  fi
  if [ "$SYSROOT" != / ] && [ ! -d "$SYSROOT" ]; then
    echo "cross/build.sh: no sysroot for $ARCH at $SYSROOT (cross/sysroot.sh $ARCH did not make it)" >&2; exit 1
  fi
  command -v "$STRIP" >/dev/null || { echo "cross/build.sh: $STRIP not found: apt-get install -y binutils (or the cross gcc package)" >&2; exit 1; }
  "$ROOT/cross/toolset.sh" "$ARCH" "$SYSROOT" > "$W/toolset-$ARCH.json"
  SCRATCH=$ROOT/.build-embedded/$ARCH
  VERSION=$(cat "$ROOT/VERSION" 2>/dev/null || echo 0.0.0)
  if ! grep -q "version = \"$VERSION\"" "$ROOT/Sources/Agent/BuildInfo.swift"; then
    echo "cross/build.sh: VERSION says $VERSION but Sources/Agent/BuildInfo.swift has another version: make them agree" >&2; exit 1
  fi
  start=$(date +%s)
  swift build -c release --triple "$TRIPLE" --toolset "$W/toolset-$ARCH.json" \
      --scratch-path "$SCRATCH" --product ucagent
  BIN=$(swift build -c release --triple "$TRIPLE" --toolset "$W/toolset-$ARCH.json" \
      --scratch-path "$SCRATCH" --show-bin-path)
  "$STRIP" -o "dist/ucagent-$ARCH" "$BIN/ucagent"
  elf_check "$ARCH" "dist/ucagent-$ARCH"
  end=$(date +%s)
  size=$(wc -c < "dist/ucagent-$ARCH")
  echo "built dist/ucagent-$ARCH ($VERSION): $size bytes stripped, $((end - start)) s"
}

if [ "${1:-}" = all ]; then
  for a in x86_64 aarch64 armv7 armv5; do build_one $a; done
else
  build_one "${1:?usage: cross/build.sh x86_64|aarch64|armv7|armv5|all}"
fi
