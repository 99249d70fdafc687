#!/bin/sh
# cross/e2e-qemu.sh ARCH...: runs the end-to-end suite (Tests/EndToEndTests) against
# dist/ucagent-ARCH, the AGENT under qemu-user, the simulator natively (dist/ucagent-x86_64, else
# the host build). Per arch: aarch64 qemu-aarch64-static; armv7 qemu-arm-static -cpu cortex-a7;
# armv5 qemu-arm-static -cpu arm926; x86_64 native. The suite includes `ucagent selftest` (the
# 32-bit checks) run through the same runner. Logs: .ci-e2e-ARCH.log; prints each suite's time.
# The test bundle is built once (swift build --build-tests) and reused with --skip-build.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- aarch64 armv7 armv5
SIM=${UCAGENT_SIM_BIN:-}
if [ -z "$SIM" ]; then
  if [ -x dist/ucagent-x86_64 ]; then SIM=$PWD/dist/ucagent-x86_64; else SIM=$PWD/.build/debug/ucagent; fi
fi
[ -x "$SIM" ] || { echo "cross/e2e-qemu.sh: no native simulator binary ($SIM)" >&2; exit 1; }
command -v qemu-arm-static >/dev/null && command -v qemu-aarch64-static >/dev/null || {
  echo "cross/e2e-qemu.sh: installing qemu-user-static"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
}
swift build --build-tests > .ci-e2e-build.log 2>&1 || { tail -30 .ci-e2e-build.log; echo "cross/e2e-qemu.sh: test build failed" >&2; exit 1; }
status=0
summary=""
for a in "$@"; do
  case $a in
    x86_64) runner="" ;;
    aarch64) runner="qemu-aarch64-static" ;;
    armv7) runner="qemu-arm-static -cpu cortex-a7" ;;
    armv5) runner="qemu-arm-static -cpu arm926" ;;
    *) echo "cross/e2e-qemu.sh: unknown arch $a" >&2; exit 2 ;;
  esac
  bin=$PWD/dist/ucagent-$a
  [ -x "$bin" ] || { echo "cross/e2e-qemu.sh: $bin is missing: cross/build.sh $a" >&2; exit 1; }
  echo "== end-to-end suite: $a agent${runner:+ under $runner}, simulator native ($(basename "$SIM"))"
  $runner "$bin" version
  t0=$(date +%s)
  if UCAGENT_BIN=$bin UCAGENT_RUNNER=$runner UCAGENT_SIM_BIN=$SIM \
       swift test --skip-build --filter EndToEndTests > ".ci-e2e-$a.log" 2>&1; then r=ok
  else r=FAILED; status=1; fi
  t=$(( $(date +%s) - t0 ))
  grep -E "error:|failed \(" ".ci-e2e-$a.log" | head -40 || true
  grep -E "Executed [0-9]+ tests" ".ci-e2e-$a.log" | tail -1 || true
  grep -E "selftest \(" ".ci-e2e-$a.log" | tail -1 || true
  echo "== $a: $r in $t s"
  summary="$summary $a:$r:${t}s"
done
echo "cross/e2e-qemu.sh:$summary"
exit $status
