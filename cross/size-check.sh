#!/bin/sh
# cross/size-check.sh [--report-only] [ARCH...]: prints the stripped size of each dist/ucagent-ARCH
# against its budget and exits 1 when one is over (or missing), unless --report-only.
# A missing binary always fails. Budgets (issue 4), in bytes, 1 MB = 1,000,000 bytes:
#   x86_64 5.5 MB, aarch64 5 MB, armv7 3.5 MB, armv5 4.5 MB.
# .ci/run runs it as a gate; --report-only is for looking at sizes while working on them.
set -eu
cd "$(dirname "$0")/.."
report_only=""
if [ "${1:-}" = --report-only ]; then report_only=1; shift; fi
[ $# -gt 0 ] || set -- x86_64 aarch64 armv7 armv5
budget() {
  case $1 in
    x86_64) echo 5500000;; aarch64) echo 5000000;; armv7) echo 3500000;; armv5) echo 4500000;;
    *) echo "cross/size-check.sh: unknown arch '$1'" >&2; exit 2;;
  esac
}
over=0; missing=0
printf '%-8s %12s %12s %8s  %s\n' arch bytes budget used verdict
for a in "$@"; do
  b=$(budget "$a")
  f=dist/ucagent-$a
  if [ ! -f "$f" ]; then
    printf '%-8s %12s %12s %8s  %s\n' "$a" - "$b" - "MISSING ($f not built)"
    missing=1; continue
  fi
  s=$(wc -c < "$f")
  pct=$((s * 100 / b))
  if [ "$s" -gt "$b" ]; then v="OVER by $((s - b)) bytes"; over=1; else v=ok; fi
  printf '%-8s %12s %12s %7s%%  %s\n' "$a" "$s" "$b" "$pct" "$v"
done
if [ "$missing" = 1 ]; then
  echo "cross/size-check.sh: a binary is missing (this fails even with --report-only)" >&2
  exit 1
fi
if [ "$over" = 1 ]; then
  if [ -n "$report_only" ]; then
    echo "cross/size-check.sh: over budget (report only: not failing)"
    exit 0
  fi
  echo "cross/size-check.sh: over budget" >&2
  exit 1
fi
echo "cross/size-check.sh: all within budget"
