#!/bin/sh
# cross/neon-check.sh: the armv7 build must not assume NEON (appliance-builds.md §4.6). Checks
# every object of the product (Swift modules and the C target) in .build-embedded/armv7: no
# Tag_Advanced_SIMD_arch attribute, no instruction on a NEON q register or on d16-d31 (VFPv3-D16
# has d0-d15 only), hard-float calling convention. The linked binary's attributes come from
# crt1.o and prove nothing, so it is also RUN on a core without NEON (qemu -cpu cortex-r5f).
# Debian's armhf libc/OpenSSL are built for the same baseline; OpenSSL picks NEON code only at
# run time when the CPU reports it.
set -eu
cd "$(dirname "$0")/.."
objs=$(find .build-embedded/armv7/armv7-none-none-eabi/release -path '*Tests.build' -prune -o -name '*.o' -print)
[ -n "$objs" ] || { echo "cross/neon-check.sh: no armv7 objects: cross/build.sh armv7" >&2; exit 1; }
n=0; bad=0
for o in $objs; do
  n=$((n + 1))
  attrs=$(arm-linux-gnueabihf-readelf -A "$o" 2>/dev/null || true)
  if echo "$attrs" | grep -q "Tag_Advanced_SIMD_arch"; then echo "NEON attribute: $o"; bad=1; fi
  if echo "$attrs" | grep -q "Tag_FP_arch" && ! echo "$attrs" | grep -q "Tag_ABI_VFP_args: VFP registers"; then
    echo "soft-float calling convention in a hard-float build: $o"; bad=1
  fi
  # VFP/NEON instructions (UAL: mnemonics starting with v), operands without comments
  neon=$(arm-linux-gnueabihf-objdump -d "$o" | awk -F'\t' 'NF >= 3 && $3 ~ /^v/ { print " " $3 " " $4 }' | sed 's/[@<;].*//' | grep -cE '[[:space:],{]q([0-9]|1[0-5])([[:space:],}]|$)|[[:space:],{]d(1[6-9]|2[0-9]|3[01])([[:space:],}\[-]|$)' || true)
  if [ "$neon" != 0 ]; then echo "$neon NEON/D32 instructions: $o"; bad=1; fi
done
echo "cross/neon-check.sh: $n armv7 objects checked"
[ $bad = 0 ] || { echo "cross/neon-check.sh: FAIL: NEON or soft-float code in the armv7 objects" >&2; exit 1; }
out=$(qemu-arm-static -cpu cortex-r5f dist/ucagent-armv7 version) || { echo "cross/neon-check.sh: FAIL: dist/ucagent-armv7 does not run on cortex-r5f (no NEON)" >&2; exit 1; }
echo "cross/neon-check.sh: no NEON in the objects; on cortex-r5f (no NEON): $out"
