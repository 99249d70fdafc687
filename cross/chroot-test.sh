#!/bin/sh
# cross/chroot-test.sh [BINARY]: the x86_64 binary (default dist/ucagent-x86_64) inside an EMPTY
# chroot: only the binary, its config, a CA bundle and an empty state directory; no /proc, no
# /dev, no /etc/hosts, no libraries. The simulator runs outside, natively, on loopback, behind a
# TLS terminator (socat) so the agent logs in over https and verifies the certificate with the CA
# bundle inside the chroot. Scenario: login, a call reported by the PBX (ringing, answered),
# DELETE /v1/calls/ID confirmed by the PBX's BYE (hung_up), SIGTERM logs out and exits 0.
# Needs root (chroot), curl, python3, openssl, socat (installed when missing).
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${1:-dist/ucagent-x86_64}
[ -x "$BIN" ] || { echo "cross/chroot-test.sh: $BIN is missing: cross/build.sh x86_64" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ "$(id -u)" = 0 ] || { echo "cross/chroot-test.sh: needs root for chroot" >&2; exit 1; }
for p in socat curl python3 openssl; do
  command -v $p >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $p >/dev/null || { echo "cross/chroot-test.sh: cannot install $p" >&2; exit 1; }; }
done
start=$(date +%s)
T=$(mktemp -d /tmp/ucagent-chroot.XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
  echo "cross/chroot-test.sh: FAIL: $*" >&2
  echo "--- agent log (tail)"; tail -30 "$T/agent.log" 2>/dev/null || true
  echo "--- simulator log (tail)"; tail -15 "$T/sim.log" 2>/dev/null || true
  exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
wait_for() {   # wait_for SECONDS DESCRIPTION COMMAND...
  n=$(( $1 * 10 )); what=$2; shift 2
  while [ $n -gt 0 ]; do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.1; n=$((n - 1)); done
  fail "timed out waiting for: $what"
}

# A throwaway CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ucagent-test-ca -keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/srv.crt" 2>/dev/null
cat "$T/srv.crt" "$T/srv.key" > "$T/srv.pem"

# The simulator, outside, and the TLS terminator in front of its API.
"$BIN" simulate --api 127.0.0.1:0 --control 127.0.0.1:0 --username api --password secret --extensions 101-120 > "$T/sim.log" 2>&1 &
pids="$pids $!"
wait_for 20 "simulator start" grep -q "simulator: api=" "$T/sim.log"
line=$(grep "simulator: api=" "$T/sim.log" | head -1)
SIMAPI=$(echo "$line" | sed 's/.*api=\([^ ]*\).*/\1/')
CONTROL=$(echo "$line" | sed 's/.*control=\([^ ]*\).*/\1/')
TLSPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
socat "openssl-listen:$TLSPORT,bind=127.0.0.1,reuseaddr,fork,cert=$T/srv.pem,verify=0" "tcp:$SIMAPI" 2>"$T/socat.log" &
pids="$pids $!"
wait_for 10 "TLS terminator" curl -sf --cacert "$T/ca.crt" -o /dev/null "https://127.0.0.1:$TLSPORT/" -X POST

# The chroot: nothing but these four things.
C=$T/root
mkdir -p "$C/etc" "$C/state"
cp "$BIN" "$C/ucagent"
cp "$T/ca.crt" "$C/etc/ca-bundle.crt"
cat > "$C/etc/ucagent.conf" <<CONF
[agent]
state_dir = /state
[pbx]
url = https://127.0.0.1:$TLSPORT
username = api
password = secret
ca_file = /etc/ca-bundle.crt
heartbeat_interval = 5s
reconcile_interval = 2s
[reports]
listen = 127.0.0.1:0
allow = 127.0.0.1
[api]
listen = 127.0.0.1:0
[log]
level = debug
CONF
echo "chroot contents:"; (cd "$C" && find . | sort | sed 's/^/  /')
[ ! -e "$C/proc" ] && [ ! -e "$C/dev" ] && [ ! -e "$C/lib" ] || fail "the chroot is not empty"

chroot "$C" /ucagent version | grep -q "x86_64 embedded" || fail "version inside the chroot"
chroot "$C" /ucagent run -c /etc/ucagent.conf > "$T/agent.log" 2>&1 &
AGENT=$!; pids="$pids $AGENT"
wait_for 20 "agent start" grep -q "listening reports=" "$T/agent.log"
API=$(grep "listening reports=" "$T/agent.log" | sed 's/.* api=\([^ ]*\).*/\1/')
health() { curl -sf "http://$API/v1/health"; }
logged_in() { [ "$(health | json 'd["pbx"]["session"]')" = logged_in ]; }
wait_for 30 "login over https (CA bundle inside the chroot)" logged_in
echo "ok: logged in over https from the chroot"

curl -sf -X POST -H 'Content-Type: application/json' --data '{"type":"inbound","from":"0551234","to":"101","answer_after_ms":0}' \
  "http://$CONTROL/sim/calls" >/dev/null || fail "placing a call in the simulator"
answered_id() { curl -sf "http://$API/v1/calls?state=answered" | json '[c["id"] for c in d["calls"] if "101" in c["extensions"] or c["callee"] == "101"][0]'; }
wait_for 30 "the reported call answered in the table" answered_id
ID=$(answered_id)
echo "ok: call $ID reported and answered"
R=$(curl -s -X DELETE -w '\n%{http_code}' "http://$API/v1/calls/$ID")
[ "$(echo "$R" | tail -1)" = 200 ] || fail "DELETE /v1/calls/$ID: $R"
[ "$(echo "$R" | head -1 | json 'd["status"]')" = hung_up ] || fail "DELETE /v1/calls/$ID: $R"
echo "ok: hangup confirmed"

kill -TERM $AGENT
n=100; while kill -0 $AGENT 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -0 $AGENT 2>/dev/null && fail "agent still running 10 s after SIGTERM"
wait $AGENT && rc=0 || rc=$?
[ $rc = 0 ] || fail "agent exit status $rc after SIGTERM"
logouts=$(curl -sf "http://$CONTROL/sim/state" | json 'd["counters"]["logouts"]')
[ "$logouts" = 1 ] || fail "simulator saw $logouts logouts"
echo "ok: SIGTERM logged out and exited 0"
echo "cross/chroot-test.sh: PASS (empty chroot, no /proc, https with the chroot's CA bundle) in $(( $(date +%s) - start )) s"
