#!/bin/sh
# packaging/test-install.sh [TARBALL]: install, upgrade, rollback and uninstall of a release
# tarball (default dist/ucagent-VERSION-x86_64.tar.gz) into scratch roots with --root, for the
# systemd variant (a fake systemctl records what install.sh asks of it) and the SysV/BusyBox
# variant (the real init script starts the real agent against the simulator on loopback), and
# the SysV variant again with BusyBox's ash and applets only (needs busybox).
# Prints "N passed, M failed" and exits 1 on any failure. Needs root (ownership), curl, python3.
set -u
cd "$(dirname "$0")/.."
REPO=$PWD
VERSION=$(cat VERSION)
TARBALL=${1:-dist/ucagent-$VERSION-x86_64.tar.gz}
[ -f "$TARBALL" ] || { echo "packaging/test-install.sh: $TARBALL is missing: packaging/make-tarball.sh x86_64" >&2; exit 1; }
T=$(mktemp -d /tmp/ucagent-pkgtest.XXXXXX)
SIMPID=""
cleanup() {
  for r in "$T"/r-*; do
    [ -f "$r/var/lib/ucagent/ucagent.pid" ] && kill -9 "$(cat "$r/var/lib/ucagent/ucagent.pid")" 2>/dev/null
  done
  [ -n "$SIMPID" ] && kill "$SIMPID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "  ok: $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL: $*"; }
# check DESC 'SHELL TEXT' (one argument: evaluated, may use && and the functions here), or
# check DESC COMMAND ARGS... (run as it is).
check() {
  desc=$1; shift
  if [ $# = 1 ]; then eval "$1" >/dev/null 2>&1; else "$@" >/dev/null 2>&1; fi && ok "$desc" || bad "$desc"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
mode() { stat -c %a "$1"; }
owner() { stat -c %U:%G "$1"; }
ownerid() { stat -c %u "$1"; }

# The packages: the real one and variants made from it.
mkdir -p "$T/pkgs"
tar -C "$T/pkgs" -xzf "$TARBALL"
P=$T/pkgs/ucagent-$VERSION-x86_64
[ -x "$P/install.sh" ] || { echo "unexpected tarball layout" >&2; exit 1; }
echo "== tarball contents"
tar -tzf "$TARBALL" | sed 's/^/  /'
check "tarball SHA256SUMS verify" '(cd "$P" && sha256sum -c --quiet SHA256SUMS)'
check "tarball has LICENSES with LGPL and Apache text" 'grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "$P/LICENSES" && grep -q "Apache License" "$P/LICENSES" && grep -q "Runtime Library Exception" "$P/LICENSES"'
check "tarball has a CA bundle" grep -q "BEGIN CERTIFICATE" "$P/share/ca-certificates.crt"
check "the default config is valid" "$P/bin/ucagent" check-config -c "$P/share/ucagent.conf"

variant() {   # variant NAME: a copy of the package to modify; re-sums it after $2 (a command)
  cp -a "$P" "$T/pkgs/$1"
  (cd "$T/pkgs/$1" && eval "$2" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
}
REAL=$T/real-ucagent; cp "$P/bin/ucagent" "$REAL"
# v2: the same agent behind a wrapper carrying a marker, so the swap is visible.
variant v2 "printf '#!/bin/sh\n# ucagent-test-v2\nexec $REAL \"\$@\"\n' > bin/ucagent; chmod 755 bin/ucagent"
# bad: runs and reports the right version, but rejects the existing config (as a release that
# dropped a key would): install.sh must roll back.
variant bad "printf '#!/bin/sh\n[ \"\$1\" = check-config ] && { echo \"ucagent.conf:3: [pbx] url: test-bad rejects this config\" >&2; exit 1; }\nexec $REAL \"\$@\"\n' > bin/ucagent; chmod 755 bin/ucagent"
variant arm "echo aarch64 > ARCH"
variant norun "head -c 4096 /dev/urandom > bin/ucagent; chmod 755 bin/ucagent"
variant wrongversion "echo 9.9.9 > VERSION"
cp -a "$P" "$T/pkgs/corrupt"; echo "# tampered" >> "$T/pkgs/corrupt/share/ucagent.conf"

newroot() {   # newroot NAME [systemd]: a minimal image root with passwd/group
  r=$T/r-$1; mkdir -p "$r/etc"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
  printf 'root:x:0:\n' > "$r/etc/group"
  [ "${2:-}" = systemd ] && mkdir -p "$r/etc/systemd/system"
  echo "$r"
}

# A fake systemctl: records its arguments; is-active answers from a file.
FAKE=$T/fakebin; mkdir -p "$FAKE"
cat > "$FAKE/systemctl" <<EOF
#!/bin/sh
echo "\$*" >> $T/systemctl.log
[ "\$1" = is-active ] && exit \$(cat $T/systemctl.active 2>/dev/null || echo 0)
exit 0
EOF
chmod +x "$FAKE/systemctl"

refusals() {   # refusals ROOT: packages that must be refused, leaving the install as it was
  r=$1; before=$(sha256sum "$r/opt/ucagent/bin/ucagent" 2>/dev/null)
  for v in arm norun corrupt wrongversion; do
    out=$(PATH=$FAKE:$PATH "$T/pkgs/$v/install.sh" --root "$r" --no-start 2>&1) && bad "$v package was installed" || {
      case $v in
        arm) echo "$out" | grep -q "this package is for aarch64, but this machine is x86_64" && ok "CPU check refuses an aarch64 package: $(echo "$out" | tail -1)" || bad "arm refusal message: $out" ;;
        norun) echo "$out" | grep -q "does not run on this machine" && ok "a binary that does not run is refused before switching" || bad "norun message: $out" ;;
        corrupt) echo "$out" | grep -q "damaged" && ok "a damaged package is refused" || bad "corrupt message: $out" ;;
        wrongversion) echo "$out" | grep -q "expected ucagent 9.9.9" && ok "a binary that is not the package's version is refused" || bad "version message: $out" ;;
      esac
    }
  done
  [ "$(sha256sum "$r/opt/ucagent/bin/ucagent" 2>/dev/null)" = "$before" ] && ok "refused packages changed nothing" || bad "a refused package changed the binary"
}

echo "== systemd variant (--root, fake systemctl)"
R=$(newroot sd systemd)
out=$(PATH=$FAKE:$PATH "$P/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "fresh install exits 0" [ $rc = 0 ]
check "binary installed and runs" '"$R/opt/ucagent/bin/ucagent" version | grep -q "^ucagent $VERSION x86_64 embedded"'
check "user ucagent created in the image" grep -q '^ucagent:x:999:999:' "$R/etc/passwd"
check "state dir 750 owned by ucagent" '[ "$(mode "$R/var/lib/ucagent")" = 750 ] && [ "$(ownerid "$R/var/lib/ucagent")" = 999 ]'
check "config 640 root:ucagent" '[ "$(stat -c %a:%u:%g "$R/etc/ucagent/ucagent.conf")" = 640:0:999 ]'
check "config dir 750" [ "$(mode "$R/etc/ucagent")" = 750 ]
check "reference config installed" cmp "$R/etc/ucagent/ucagent.conf.default" "$P/share/ucagent.conf"
check "CA bundle and LICENSES installed" '[ -s "$R/opt/ucagent/share/ca-certificates.crt" ] && [ -s "$R/opt/ucagent/share/LICENSES" ]'
check "unit: User=ucagent" grep -qx "User=ucagent" "$R/etc/systemd/system/ucagent.service"
check "unit: ExecStart" grep -qx "ExecStart=/opt/ucagent/bin/ucagent run -c /etc/ucagent/ucagent.conf" "$R/etc/systemd/system/ucagent.service"
check "unit: state writable" grep -qx "ReadWritePaths=/var/lib/ucagent" "$R/etc/systemd/system/ucagent.service"
check "unit enabled" [ -L "$R/etc/systemd/system/multi-user.target.wants/ucagent.service" ]
check "systemctl daemon-reload + restart + is-active" 'grep -qx daemon-reload "$T/systemctl.log" && grep -qx "restart ucagent.service" "$T/systemctl.log" && grep -q is-active "$T/systemctl.log"'
check "no SysV script in a systemd install" [ ! -e "$R/etc/init.d/ucagent" ]
check "uninstall.sh installed" [ -x "$R/opt/ucagent/uninstall.sh" ]

echo "== systemd: upgrade keeps config and state, swaps the binary"
echo "; edited by the admin" >> "$R/etc/ucagent/ucagent.conf"
echo '{"kept":true}' > "$R/var/lib/ucagent/dead-letter.jsonl"
conf_sum=$(sha256sum < "$R/etc/ucagent/ucagent.conf")
: > "$T/systemctl.log"
out=$(PATH=$FAKE:$PATH "$T/pkgs/v2/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "upgrade exits 0" [ $rc = 0 ]
check "upgrade says it keeps config" 'echo "$out" | grep -q "keeping the existing /etc/ucagent/ucagent.conf"'
check "config untouched" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]
check "state untouched" grep -q kept "$R/var/lib/ucagent/dead-letter.jsonl"
check "new binary in place" grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent"
check "previous binary kept as ucagent.prev" cmp "$R/opt/ucagent/bin/ucagent.prev" "$P/bin/ucagent"
check "service restarted" grep -qx 'restart ucagent.service' "$T/systemctl.log"
check "user not duplicated" [ "$(grep -c '^ucagent:' "$R/etc/passwd")" = 1 ]

echo "== systemd: rollback when the new binary rejects the config"
: > "$T/systemctl.log"
out=$(PATH=$FAKE:$PATH "$T/pkgs/bad/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "failed upgrade exits non-zero" [ $rc != 0 ]
check "it says it rolled back" 'echo "$out" | grep -q "rolled back to ucagent $VERSION"'
check "previous binary back in place" grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent"
check "config untouched" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]
check "previous version restarted" grep -qx 'restart ucagent.service' "$T/systemctl.log"

echo "== systemd: rollback when the new binary does not come up"
echo 3 > "$T/systemctl.active"
out=$(PATH=$FAKE:$PATH "$P/install.sh" --root "$R" --start 2>&1); rc=$?
rm -f "$T/systemctl.active"
check "not-active after start: exit non-zero, rolled back" '[ $rc != 0 ] && echo "$out" | grep -q "rolled back" && grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent"'

echo "== systemd: packages that must be refused"
refusals "$R"

echo "== systemd: uninstall keeps config and state; --purge removes them"
"$R/opt/ucagent/uninstall.sh" --root "$R" | sed 's/^/    /'
check "program removed" [ ! -e "$R/opt/ucagent" ]
check "unit removed" '[ ! -e "$R/etc/systemd/system/ucagent.service" ] && [ ! -L "$R/etc/systemd/system/multi-user.target.wants/ucagent.service" ]'
check "config kept" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]
check "state kept" grep -q kept "$R/var/lib/ucagent/dead-letter.jsonl"
PATH=$FAKE:$PATH "$P/install.sh" --root "$R" >/dev/null 2>&1
check "reinstall keeps the admin's config" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]
"$R/opt/ucagent/uninstall.sh" --root "$R" --purge | sed 's/^/    /'
check "purge removes config, state and user" '[ ! -e "$R/etc/ucagent" ] && [ ! -e "$R/var/lib/ucagent" ] && ! grep -q "^ucagent:" "$R/etc/passwd" "$R/etc/group"'

echo "== SysV/BusyBox variant (--root, the real init script runs the real agent)"
R=$(newroot sysv)
"$REAL" simulate --api 127.0.0.1:0 --control 127.0.0.1:0 --username api --password secret --extensions 101-120 > "$T/sim.log" 2>&1 &
SIMPID=$!
n=0; while ! grep -q "simulator: api=" "$T/sim.log" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
line=$(grep "simulator: api=" "$T/sim.log" | head -1)
SIMAPI=$(echo "$line" | sed 's/.*api=\([^ ]*\).*/\1/'); CONTROL=$(echo "$line" | sed 's/.*control=\([^ ]*\).*/\1/')
seed_config() {   # seed_config ROOT: a config for the simulator on loopback, ports RPORT/APORT
mkdir -p "$1/etc/ucagent"
cat > "$1/etc/ucagent/ucagent.conf" <<EOF
; pre-seeded by the test: install.sh must keep it
[agent]
state_dir = $1/var/lib/ucagent
[pbx]
url = http://$SIMAPI
username = api
password = secret
heartbeat_interval = 5s
reconcile_interval = 2s
[reports]
listen = 127.0.0.1:$RPORT
allow = 127.0.0.1
[api]
listen = 127.0.0.1:$APORT
[log]
level = info
file = $1/var/lib/ucagent/ucagent.log
EOF
}
free_ports() { python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))'; }
ports=$(free_ports); RPORT=${ports% *}; APORT=${ports#* }
seed_config "$R"
conf_sum=$(sha256sum < "$R/etc/ucagent/ucagent.conf")
sim() { curl -sf "http://$CONTROL/sim/state" | json "d['counters']['$1']"; }
session() { curl -sf "http://127.0.0.1:$APORT/v1/health" | json 'd["pbx"]["session"]'; }
wait_logged_in() { n=0; while [ "$(session 2>/dev/null)" != logged_in ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done; [ "$(session 2>/dev/null)" = logged_in ]; }
pid() { cat "$R/var/lib/ucagent/ucagent.pid" 2>/dev/null; }

out=$("$P/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "fresh SysV install exits 0" [ $rc = 0 ]
check "init auto-detected as sysv" grep -qx INIT=sysv "$R/opt/ucagent/installed.env"
check "pre-seeded config kept" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]
check "init script installed" [ -x "$R/etc/init.d/ucagent" ]
check "BusyBox start link" [ -L "$R/etc/init.d/S90ucagent" ]
check "/etc/default/ucagent names the user" grep -qx RUN_USER=ucagent "$R/etc/default/ucagent"
check "the agent runs (pid file)" kill -0 "$(pid)"
check "the agent logged in to the simulator" wait_logged_in
check "the log file is written" grep -q "listening reports=" "$R/var/lib/ucagent/ucagent.log"
PID1=$(pid)

out=$("$T/pkgs/v2/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "SysV upgrade exits 0" [ $rc = 0 ]
check "old agent stopped" '! kill -0 $PID1'
check "old agent logged out on SIGTERM" [ "$(sim logouts)" -ge 1 ]
check "new agent running and logged in" 'kill -0 "$(pid)" && wait_logged_in'
check "new binary in place" grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent"
check "config kept" [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]

out=$("$T/pkgs/bad/install.sh" --root "$R" --start 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "SysV failed upgrade exits non-zero and rolls back" '[ $rc != 0 ] && echo "$out" | grep -q "rolled back"'
check "previous binary back" grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent"
check "the previous version runs again and is logged in" 'kill -0 "$(pid)" && wait_logged_in'

refusals "$R"

PID2=$(pid); logouts=$(sim logouts)
"$R/opt/ucagent/uninstall.sh" --root "$R" | sed 's/^/    /'
check "uninstall stops the agent" '! kill -0 $PID2'
check "the agent logged out" [ "$(sim logouts)" -gt "$logouts" ]
check "init script and link removed" '[ ! -e "$R/etc/init.d/ucagent" ] && [ ! -L "$R/etc/init.d/S90ucagent" ]'
check "config and state kept" '[ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ] && [ -d "$R/var/lib/ucagent" ]'

echo "== SysV Debian-style rc links"
R=$(newroot rcd); mkdir -p "$R"/etc/rc0.d "$R"/etc/rc1.d "$R"/etc/rc2.d "$R"/etc/rc3.d "$R"/etc/rc4.d "$R"/etc/rc5.d "$R"/etc/rc6.d
"$P/install.sh" --root "$R" --init sysv >/dev/null 2>&1
check "rc2.d/S90 and rc0.d/K10 links" '[ -L "$R/etc/rc2.d/S90ucagent" ] && [ -L "$R/etc/rc0.d/K10ucagent" ]'
"$R/opt/ucagent/uninstall.sh" --root "$R" --purge >/dev/null
check "links removed by uninstall" '! ls "$R"/etc/rc?.d/*ucagent 2>/dev/null | grep -q .'

echo "== BusyBox: install, upgrade, rollback, uninstall with BusyBox's ash and only its applets"
if command -v busybox >/dev/null 2>&1; then
  BB=$T/busybox; mkdir -p "$BB"; busybox --install -s "$BB"
  # As on a BusyBox appliance: ash runs the scripts and every tool they call is an applet.
  bb() { env -i PATH="$BB" /usr/bin/busybox sh "$@"; }
  check "the init script parses under ash" busybox sh -n "$P/share/ucagent.init"
  R=$(newroot busybox)
  ports=$(free_ports); RPORT=${ports% *}; APORT=${ports#* }
  seed_config "$R"; conf_sum=$(sha256sum < "$R/etc/ucagent/ucagent.conf")
  out=$(bb "$P/install.sh" --root "$R" --init sysv --start 2>&1); rc=$?
  echo "$out" | sed 's/^/    /'
  check "BusyBox install exits 0" [ $rc = 0 ]
  check "user made in the image" grep -q '^ucagent:' "$R/etc/passwd"
  check "BusyBox start link" [ -L "$R/etc/init.d/S90ucagent" ]
  check "the agent runs and is logged in" 'kill -0 "$(pid)" && wait_logged_in'
  PID1=$(pid)
  out=$(bb "$T/pkgs/v2/install.sh" --root "$R" --init sysv --start 2>&1); rc=$?
  check "BusyBox upgrade exits 0, new binary logged in, config kept" '[ $rc = 0 ] && ! kill -0 $PID1 && grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent" && wait_logged_in && [ "$(sha256sum < "$R/etc/ucagent/ucagent.conf")" = "$conf_sum" ]'
  out=$(bb "$T/pkgs/bad/install.sh" --root "$R" --init sysv --start 2>&1); rc=$?
  check "BusyBox failed upgrade rolls back and the previous version runs" '[ $rc != 0 ] && echo "$out" | grep -q "rolled back" && grep -q ucagent-test-v2 "$R/opt/ucagent/bin/ucagent" && wait_logged_in'
  PID2=$(pid); logouts=$(sim logouts)
  out=$(bb "$R/opt/ucagent/uninstall.sh" --root "$R" --purge 2>&1); rc=$?
  echo "$out" | sed 's/^/    /'
  check "BusyBox uninstall --purge stops the agent (logged out) and removes everything" '[ $rc = 0 ] && ! kill -0 $PID2 && [ "$(sim logouts)" -gt "$logouts" ] && [ ! -e "$R/opt/ucagent" ] && [ ! -e "$R/etc/ucagent" ] && [ ! -e "$R/var/lib/ucagent" ] && ! grep -q "^ucagent:" "$R/etc/passwd"'
else
  bad "busybox is not installed (apt-get install -y busybox): the BusyBox pass did not run"
fi

echo "packaging/test-install.sh: $passed passed, $failed failed"
[ $failed = 0 ]
