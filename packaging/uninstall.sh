#!/bin/sh
# uninstall.sh [--root DIR] [--purge]: stops and removes ucagent. Config (/etc/ucagent) and state
# (/var/lib/ucagent) stay unless --purge, which also removes them and the ucagent user.
# Reads what install.sh recorded in PREFIX/installed.env; run it from PREFIX (install.sh puts it
# there) or from the unpacked tarball with --prefix.
set -eu
ROOT=""; PURGE=""; PREFIX=""
log() { echo "uninstall.sh: $*"; }
die() { echo "uninstall.sh: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    --prefix) PREFIX=${2:?--prefix needs a path}; shift 2 ;;
    --purge) PURGE=1; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
if [ -n "$ROOT" ]; then ROOT=$(cd "$ROOT" && pwd); [ "$ROOT" != / ] || ROOT=""; fi
if [ -z "$PREFIX" ]; then
  here=$(cd "$(dirname "$0")" && pwd)
  if [ -f "$here/installed.env" ]; then PREFIX=${here#"$ROOT"}; else PREFIX=/opt/ucagent; fi
fi
ENV=$ROOT$PREFIX/installed.env
[ -f "$ENV" ] || die "no ucagent installation at $ROOT$PREFIX (no installed.env)"
VERSION=""; INIT=none; RUN_USER=root; CONFDIR=/etc/ucagent; STATEDIR=/var/lib/ucagent
. "$ENV"

# Stop and unregister the service.
case $INIT in
  systemd)
    # With --root nothing runs: the image's unit files are removed only.
    [ -n "$ROOT" ] || systemctl disable --now ucagent.service 2>/dev/null || true
    rm -f "$ROOT/etc/systemd/system/multi-user.target.wants/ucagent.service" "$ROOT/etc/systemd/system/ucagent.service"
    [ -n "$ROOT" ] || systemctl daemon-reload 2>/dev/null || true ;;
  sysv)
    if [ -x "$ROOT/etc/init.d/ucagent" ]; then UCAGENT_ROOT=$ROOT "$ROOT/etc/init.d/ucagent" stop || true; fi
    if [ -z "$ROOT" ] && command -v update-rc.d >/dev/null 2>&1; then update-rc.d -f ucagent remove >/dev/null 2>&1 || true
    elif [ -z "$ROOT" ] && command -v chkconfig >/dev/null 2>&1; then chkconfig --del ucagent 2>/dev/null || true; fi
    rm -f "$ROOT"/etc/rc?.d/[SK]??ucagent "$ROOT/etc/init.d/S90ucagent" "$ROOT/etc/init.d/ucagent" "$ROOT/etc/default/ucagent" ;;
esac

rm -rf "$ROOT$PREFIX"
log "removed ucagent $VERSION from $PREFIX"
if [ -z "$PURGE" ]; then
  log "kept the config in $CONFDIR and the state in $STATEDIR (remove them with --purge)"
  exit 0
fi
rm -rf "$ROOT$CONFDIR" "$ROOT$STATEDIR"
if [ "$RUN_USER" != root ]; then
  if [ -z "$ROOT" ]; then
    if command -v userdel >/dev/null 2>&1; then userdel "$RUN_USER" 2>/dev/null || true
    elif command -v deluser >/dev/null 2>&1; then deluser "$RUN_USER" 2>/dev/null || true; fi
  else
    for f in passwd group shadow; do
      [ -f "$ROOT/etc/$f" ] || continue
      awk -F: -v u="$RUN_USER" '$1 != u' "$ROOT/etc/$f" > "$ROOT/etc/$f.tmp" && cat "$ROOT/etc/$f.tmp" > "$ROOT/etc/$f" && rm -f "$ROOT/etc/$f.tmp"
    done
  fi
  log "removed user $RUN_USER"
fi
log "purged the config ($CONFDIR) and the state ($STATEDIR)"
