#!/usr/bin/env bash
# bench/rss.sh [BINARY] [CALLS]
# Resident memory of the agent, idle with 0 live calls and with CALLS (default 1000) live calls
# created in the simulator, beside a plain loopback server measured in the same run
# (Python's http.server, idle) as the reference. Prints kB and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-dist/ucagent-x86_64}
CALLS=${2:-1000}
[ -x "$BIN" ] || { echo "bench/rss.sh: $BIN not found (cross/build.sh x86_64)" >&2; exit 1; }
W=$(mktemp -d)
cleanup() { kill "${SIM:-}" "${AGENT:-}" "${REF:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

"$BIN" simulate --api 127.0.0.1:0 --control 127.0.0.1:0 --extensions 1000-2999 --password secret > "$W/sim.out" 2>&1 &
SIM=$!
for _ in $(seq 100); do grep -q "simulator: api=" "$W/sim.out" && break; sleep 0.1; done
API=$(sed -n 's/.*simulator: api=\([^ ]*\) control=\([^ ]*\).*/\1/p' "$W/sim.out")
CONTROL=$(sed -n 's/.*simulator: api=\([^ ]*\) control=\([^ ]*\).*/\2/p' "$W/sim.out")
cat > "$W/ucagent.conf" <<CONF
[agent]
state_dir = $W/state
[pbx]
url = http://$API
username = api
password = secret
reconcile_interval = 5s
[reports]
listen = 127.0.0.1:0
allow = 127.0.0.1
[api]
listen = 127.0.0.1:0
[log]
level = info
CONF
"$BIN" run -c "$W/ucagent.conf" > "$W/agent.out" 2>&1 &
AGENT=$!
sleep 2
idle=$(rss $AGENT)
for i in $(seq 0 $((CALLS - 1))); do
  curl -s -o /dev/null -X POST "http://$CONTROL/sim/calls" \
    -d "{\"type\":\"inbound\",\"from\":\"0550$i\",\"to\":\"$((1000 + i))\",\"answer_after_ms\":0}"
done
for _ in $(seq 100); do
  n=$(curl -s "http://$CONTROL/sim/state" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["calls"]))')
  [ "$n" -ge "$CALLS" ] && break; sleep 0.2
done
sleep 6   # reports delivered and one reconciliation with every call listed
live=$(curl -s "http://127.0.0.1:$(sed -n 's/.*api=127.0.0.1:\([0-9]*\).*/\1/p' "$W/agent.out" | tail -1)/v1/health" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["table"]["live_calls"])' 2>/dev/null || echo "?")
loaded=$(rss $AGENT)

python3 -m http.server 0 --bind 127.0.0.1 > /dev/null 2>&1 &
REF=$!
sleep 1
ref=$(rss $REF)

echo "agent idle, 0 calls:          ${idle} kB RSS"
echo "agent with ${live} live calls:  ${loaded} kB RSS ($(( (loaded - idle) * 1024 / (CALLS > 0 ? CALLS : 1) )) bytes per call)"
echo "reference (python3 -m http.server, idle): ${ref} kB RSS"
python3 -c "print(f'ratio agent idle / reference: {$idle/$ref:.2f}; agent with calls / reference: {$loaded/$ref:.2f}')"
