#!/bin/sh
# toolset.sh ARCH SYSROOT > toolset.json
# Writes the SwiftPM toolset (SE-0387) that turns `swift build` into an Embedded Swift,
# fully static build for ARCH. SYSROOT is "/" for x86_64 (the build machine's own libssl.a)
# or the directory where cross/build.sh unpacked the target's libssl-dev.
# The recipe and every flag's reason: ../shared/reference/appliance-builds.md §4.
set -eu
ARCH=$1; SYSROOT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
SWIFT_ROOT=${SWIFT_ROOT:-$(dirname "$(dirname "$(command -v swiftc)")")}
EMB=$SWIFT_ROOT/lib/swift/embedded
ARMDEF="-D__linux__ -D__unix__ -D__gnu_linux__"
T64="-D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64"
case $ARCH in
  x86_64)  TRIPLE=x86_64-unknown-linux-gnu; GNU=x86_64-linux-gnu;    CFL="";;
  aarch64) TRIPLE=aarch64-none-none-elf;    GNU=aarch64-linux-gnu;   CFL="$ARMDEF";;
  # NEON is not assumed on ARMv7 appliances: without -mfpu the objects carry NEON and die with SIGILL.
  # -mthumb (through -Xcc it reaches Swift's code generation too): Thumb-2 on armv7, a third
  # smaller than ARM code; Thumb-1 on armv5 (ARM926 runs it; BLX interworks with glibc/OpenSSL).
  armv7)   TRIPLE=armv7-none-none-eabi;     GNU=arm-linux-gnueabihf; CFL="$ARMDEF $T64 -mfloat-abi=hard -mfpu=vfpv3-d16 -fno-short-enums -mthumb";;
  armv5)   TRIPLE=armv4t-none-none-eabi;    GNU=arm-linux-gnueabi;   CFL="$ARMDEF $T64 -mfloat-abi=soft -fno-short-enums -mthumb";;
  *) echo "toolset.sh: unknown arch '$ARCH' (x86_64, aarch64, armv7, armv5)" >&2; exit 2;;
esac
# Our strong swift_bridgeObjectRetain replaces the runtime's (Sources/CSystem/embedded_runtime.c).
CFL="$CFL -DUCAGENT_EMBEDDED_RUNTIME"
LIBDIR=""
if [ "$SYSROOT" != / ]; then
  CFL="$CFL -isystem $SYSROOT/usr/include/$GNU -isystem $SYSROOT/usr/include"
  LIBDIR="-L$SYSROOT/usr/lib/$GNU"
fi
[ "$ARCH" = x86_64 ] || CFL="$CFL -isystem /usr/$GNU/include"
# Swift-side compile-time defines: `ucagent version` tells armv7 from armv5 (both are arch(arm)).
SWIFTDEF=""
# The ARM appliance builds leave out the simulator (`simulate`, `demo`): the end-to-end tests
# run it natively, and on armv7 it alone would break the size budget.
case $ARCH in
  aarch64) SWIFTDEF="-D UCAGENT_NO_SIMULATOR";;
  armv7) SWIFTDEF="-D UCAGENT_ARMV7 -D UCAGENT_NO_SIMULATOR";;
  armv5) SWIFTDEF="-D UCAGENT_ARMV5 -D UCAGENT_NO_SIMULATOR";;
esac
# Size on ARM: LLVM's machine outliner turns repeated instruction sequences into calls (it has
# no x86 support).
OUTLINE=""
[ "$ARCH" = x86_64 ] || OUTLINE="-Xllvm -enable-machine-outliner"
LIBS="-lssl -lcrypto -lm -lswiftUnicodeDataTables"
[ "$ARCH" = armv5 ] && LIBS="$LIBS -latomic"
LD="-use-ld=lld -Xclang-linker -static"
[ "$ARCH" = x86_64 ] || LD="$LD -Xclang-linker --target=$GNU"
# Size: -function-sections puts every Swift function in its own section so --gc-sections can
# drop it. Without it each object's .text is one section, and in Embedded mode every module
# re-emits the imported code it uses as weak copies, so all those copies stayed (x86_64:
# 7,944,144 -> 6,000,080 bytes stripped). -disable-incremental-llvm-codegen: otherwise swiftc
# keeps an existing object whose IR hash (.swift_modhash) is unchanged, so a codegen-only flag
# change (like the one above) silently does not reach an existing scratch directory.
q() { for w in "$@"; do printf '"%s", ' "$w"; done; }
xcc() { for w in "$@"; do printf '"-Xcc", "%s", ' "$w"; done; }
cat <<JSON
{
  "schemaVersion": "1.0",
  "swiftCompiler": { "extraCLIOptions": [
    $(q -enable-experimental-feature Embedded -wmo -Osize -Xfrontend -function-sections -Xfrontend -disable-incremental-llvm-codegen)
    $(q $SWIFTDEF $OUTLINE)
    $(xcc $CFL)
    $(q $LD $LIBDIR -L$EMB/$TRIPLE $LIBS) "-Xlinker", "--gc-sections", "-Xlinker", "--icf=safe", "-Xlinker", "$HERE/discard-unwind.ld" ] },
  "cCompiler": { "extraCLIOptions": [ $(q $CFL) "-Os", "-ffunction-sections", "-fdata-sections" $([ -z "$OUTLINE" ] || printf ', "-mllvm", "-enable-machine-outliner"') ] }
}
JSON
