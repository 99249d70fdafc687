#!/bin/sh
# Tests/Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# Builds Tests/Fuzz/TARGET.swift with libFuzzer + AddressSanitizer against the product modules
# it names, seeds a corpus from the captured PBX payloads, fuzzes for SECONDS and prints the
# executed-units line. Header lines of TARGET.swift (see Tests/Fuzz/README.md):
#   // fuzz-modules: JSON CallModel PBX         modules in dependency order (first line)
#   // fuzz-sources: PBX Sources/PBX/A.swift ...  optional: only these files of that module
#   // fuzz-with: Sources/Agent/Config.swift ...  optional: files compiled into the entry's own
#                                                  module (for entries that test internal API)
# Each module is compiled as its own Swift module (so `internal` stays internal); a C target
# (Sources/M/include/module.modulemap) is compiled with clang, a system library
# (Sources/M/module.modulemap) is put on the include path and its `link` lines are linked.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2; exit 2; }
TARGET=$1; SECONDS_=$2; shift 2
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
ENTRY=Tests/Fuzz/$TARGET.swift
[ -f "$ENTRY" ] || { echo "run.sh: no $ENTRY" >&2; exit 2; }

sed -n '1p' "$ENTRY" | grep -q '^// fuzz-modules:' || { echo "run.sh: first line of $ENTRY must be '// fuzz-modules: M1 M2 ...'" >&2; exit 2; }
MODULES=$(sed -n '1s|^// fuzz-modules:||p' "$ENTRY")
WITH=$(sed -n 's|^// fuzz-with: ||p' "$ENTRY")

BIN=Tests/Fuzz/bin/$TARGET
CORPUS=Tests/Fuzz/corpus/$TARGET
mkdir -p "$BIN" "$CORPUS"
SAN="-sanitize=fuzzer,address"
SWIFTFLAGS="-parse-as-library -O -g $SAN -I $BIN"
INCLUDES=""
OBJECTS=""
LINKS=""

for M in $MODULES; do
  DIR=Sources/$M
  [ -d "$DIR" ] || { echo "run.sh: no module $DIR" >&2; exit 2; }
  if [ -f "$DIR/module.modulemap" ]; then
    INCLUDES="$INCLUDES -I $DIR"
    for l in $(sed -n 's/.*link "\([^"]*\)".*/\1/p' "$DIR/module.modulemap"); do LINKS="$LINKS -l$l"; done
    continue
  fi
  if [ -f "$DIR/include/module.modulemap" ]; then
    INCLUDES="$INCLUDES -I $DIR/include"
    for c in "$DIR"/*.c; do
      o=$BIN/$M-$(basename "$c" .c).o
      clang -O1 -g -fsanitize=fuzzer-no-link,address -I "$DIR/include" -c "$c" -o "$o"
      OBJECTS="$OBJECTS $o"
    done
    continue
  fi
  SOURCES=$(sed -n "s|^// fuzz-sources: $M ||p" "$ENTRY")
  [ -n "$SOURCES" ] || SOURCES=$(ls "$DIR"/*.swift)
  echo "run.sh: compiling module $M:" $SOURCES >&2
  # shellcheck disable=SC2086
  swiftc $SWIFTFLAGS $INCLUDES -module-name "$M" -wmo -emit-module -emit-module-path "$BIN/$M.swiftmodule" \
    -emit-object -o "$BIN/$M.o" $SOURCES
  OBJECTS="$OBJECTS $BIN/$M.o"
done

echo "run.sh: linking $BIN/fuzzer" >&2
# shellcheck disable=SC2086
swiftc $SWIFTFLAGS $INCLUDES -use-ld=lld -module-name "$TARGET" "$ENTRY" $WITH $OBJECTS $LINKS -o "$BIN/fuzzer"

# Seed from the captured payloads: <repo>/../shared/reference/pbx-payloads, or any ancestor's
# shared/reference/pbx-payloads (a git worktree sits deeper than the main checkout).
SEEDS=""
d=$ROOT
while [ "$d" != / ]; do
  if [ -d "$d/shared/reference/pbx-payloads" ]; then SEEDS=$d/shared/reference/pbx-payloads; break; fi
  d=$(dirname "$d")
done
if [ -n "$SEEDS" ]; then
  for f in "$SEEDS"/*; do
    [ "$(basename "$f")" = README.md ] || cp -n "$f" "$CORPUS/" 2>/dev/null || true
  done
else
  echo "run.sh: warning: shared/reference/pbx-payloads not found; corpus starts from $CORPUS only" >&2
fi

echo "run.sh: fuzzing $TARGET for $SECONDS_ s (corpus $CORPUS, crashes go to $BIN/)" >&2
LOG=$BIN/last-run.log
set +e
"$BIN/fuzzer" -max_total_time="$SECONDS_" -print_final_stats=1 -max_len=4096 -rss_limit_mb=2048 \
  -artifact_prefix="$BIN/" "$@" "$CORPUS" >"$LOG" 2>&1
STATUS=$?
set -e
if [ $STATUS -ne 0 ]; then
  tail -n 60 "$LOG"
  echo "run.sh: fuzzer exited with status $STATUS; full log $LOG, reproducer in $BIN/ (crash-*)" >&2
else
  grep -E '^(Done|stat::)' "$LOG" | grep -v number_of_executed_units || true
fi
grep '^stat::number_of_executed_units' "$LOG" || true
exit $STATUS
