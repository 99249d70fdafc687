#!/bin/sh
# Tests/Fuzz/run-all.sh SECONDS: every libFuzzer entry in turn, SECONDS each; prints the
# executions per entry and fails if any entry found a crash.
set -eu
cd "$(dirname "$0")"
SECS=${1:?usage: Tests/Fuzz/run-all.sh SECONDS}
status=0
for f in Fuzz*.swift; do
  t=${f%.swift}
  if out=$(./run.sh "$t" "$SECS" 2>/dev/null); then
    echo "$t: $(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p') executions in $SECS s"
  else
    echo "$t: FAILED (see Tests/Fuzz/bin/$t/last-run.log)"; status=1
  fi
done
exit $status
