#!/bin/sh
# install.sh: installs or upgrades ucagent from this unpacked release tarball.
#
#   ./install.sh [--root DIR] [--prefix /opt/ucagent] [--init auto|systemd|sysv|none]
#                [--user NAME | --no-user] [--start | --no-start]
#
# - Checks the CPU (uname -m, /proc/cpuinfo on ARM) and RUNS the new binary's `version` before
#   anything is switched: a binary that does not run on this machine is never installed.
# - Program in PREFIX (default /opt/ucagent), config in /etc/ucagent (an existing
#   ucagent.conf is never overwritten; ucagent.conf.default is the reference copy), state in
#   /var/lib/ucagent, a system user `ucagent` where the system allows it (else root, with a
#   warning), a systemd unit when systemd runs, otherwise a SysV/BusyBox init script.
# - Upgrade: config and state stay; the previous binary is kept as PREFIX/bin/ucagent.prev; the
#   new one replaces it with one rename (atomic); if it then fails `ucagent check-config` on the
#   existing config, or the service does not come up, the previous binary is renamed back and
#   restarted (rollback) and install.sh exits 1.
# - --root DIR installs into DIR (images, tests): paths, users and init links are made under DIR.
#   No service is started with --root unless --start is given; then the same commands run
#   (tests put a fake systemctl first in PATH; the SysV script honours UCAGENT_ROOT).
# Plain POSIX sh: runs under BusyBox ash.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=""
PREFIX=/opt/ucagent
CONFDIR=/etc/ucagent
STATEDIR=/var/lib/ucagent
INIT=auto
USER_NAME=ucagent
MAKE_USER=1
START=""

log() { echo "install.sh: $*"; }
warn() { echo "install.sh: warning: $*" >&2; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    --prefix) PREFIX=${2:?--prefix needs a path}; shift 2 ;;
    --init) INIT=${2:?--init needs auto, systemd, sysv or none}; shift 2 ;;
    --user) USER_NAME=${2:?--user needs a name}; shift 2 ;;
    --no-user) MAKE_USER=""; shift ;;
    --start) START=1; shift ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
case $INIT in auto|systemd|sysv|none) ;; *) die "--init must be auto, systemd, sysv or none";; esac
case $PREFIX in /*) ;; *) die "--prefix must be absolute";; esac
if [ -n "$ROOT" ]; then
  [ -d "$ROOT" ] || die "--root $ROOT is not a directory"
  ROOT=$(cd "$ROOT" && pwd)
  [ "$ROOT" != / ] || ROOT=""
fi
[ -n "$START" ] || { if [ -n "$ROOT" ]; then START=0; else START=1; fi; }

PKG_ARCH=$(cat "$HERE/ARCH")
PKG_VERSION=$(cat "$HERE/VERSION")
NEWBIN=$HERE/bin/ucagent
BIN=$ROOT$PREFIX/bin/ucagent
CONF=$ROOT$CONFDIR/ucagent.conf

# 1. The package is whole.
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$HERE" && sha256sum -c SHA256SUMS >/dev/null 2>&1) || die "files do not match $HERE/SHA256SUMS: the package is damaged"
else
  warn "no sha256sum: package checksums not verified"
fi

# 2. The CPU: which builds can run here, from uname -m (and VFP on ARMv7).
M=${UCAGENT_INSTALL_UNAME_M:-$(uname -m)}
case $M in
  x86_64|amd64) fits="x86_64"; best=x86_64 ;;
  aarch64|arm64|armv8*) fits="aarch64 armv7 armv5"; best=aarch64; [ "$M" = armv8l ] && { fits="armv7 armv5"; best=armv7; } ;;
  armv7*)
    fits="armv7 armv5"; best=armv7
    if [ -r /proc/cpuinfo ] && ! grep -i '^Features' /proc/cpuinfo | grep -qwE 'vfpv3|vfpv3d16|vfpv4'; then
      fits="armv5"; best=armv5      # ARMv7 without VFPv3: only the soft-float build runs
    fi ;;
  armv6*|armv5*|armv4t*) fits="armv5"; best=armv5 ;;
  *) die "no ucagent build for this CPU ($M): the builds are x86_64, aarch64, armv7, armv5" ;;
esac
case " $fits " in
  *" $PKG_ARCH "*) ;;
  *) die "this package is for $PKG_ARCH, but this machine is $M: use ucagent-$PKG_VERSION-$best.tar.gz" ;;
esac

# 3. The new binary really runs here and is what the package says.
got=$("$NEWBIN" version 2>&1) || die "the $PKG_ARCH binary does not run on this machine ($M): $got"
set -- $got
[ "${1:-}" = ucagent ] && [ "${2:-}" = "$PKG_VERSION" ] && [ "${3:-}" = "$PKG_ARCH" ] \
  || die "bin/ucagent says \"$got\", expected ucagent $PKG_VERSION $PKG_ARCH"
log "ucagent $PKG_VERSION for $PKG_ARCH runs on this $M machine"

OLD_VERSION=""
if [ -x "$BIN" ]; then
  OLD_VERSION=$("$BIN" version 2>/dev/null | awk '{print $2}') || OLD_VERSION="?"
  [ -n "$OLD_VERSION" ] || OLD_VERSION="?"
  log "upgrading from $OLD_VERSION (config and state are kept)"
fi

# 4. The init system.
if [ "$INIT" = auto ]; then
  if [ -z "$ROOT" ]; then
    if [ -d /run/systemd/system ]; then INIT=systemd; else INIT=sysv; fi
  else
    if [ -d "$ROOT/etc/systemd/system" ] || [ -e "$ROOT/lib/systemd/systemd" ] || [ -e "$ROOT/usr/lib/systemd/systemd" ]; then
      INIT=systemd; else INIT=sysv; fi
  fi
fi

# 5. The user: a system account where the system allows it, else root.
is_root=""; [ "$(id -u)" = 0 ] && is_root=1
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$ROOT/etc/passwd" 2>/dev/null; }
gid_of() { awk -F: -v u="$1" '$1 == u { print $4 }' "$ROOT/etc/passwd" 2>/dev/null; }
make_user() {
  [ -n "$(uid_of "$USER_NAME")" ] && return 0
  if [ -z "$ROOT" ]; then
    if command -v useradd >/dev/null 2>&1; then
      useradd --system --user-group --home-dir "$STATEDIR" --no-create-home --shell /usr/sbin/nologin "$USER_NAME" 2>/dev/null && return 0
    fi
    if command -v adduser >/dev/null 2>&1; then   # BusyBox
      adduser -S -D -H -h "$STATEDIR" -s /bin/false "$USER_NAME" 2>/dev/null && return 0
    fi
    return 1
  fi
  # --root: edit the image's files directly (no tool may run inside it).
  [ -w "$ROOT/etc/passwd" ] && [ -w "$ROOT/etc/group" ] || return 1
  id=999
  while awk -F: -v i=$id '$3 == i { f = 1 } END { exit !f }' "$ROOT/etc/passwd" "$ROOT/etc/group"; do
    id=$((id - 1)); [ $id -gt 100 ] || return 1
  done
  echo "$USER_NAME:x:$id:" >> "$ROOT/etc/group"
  echo "$USER_NAME:x:$id:$id:ucagent:$STATEDIR:/bin/false" >> "$ROOT/etc/passwd"
  [ -f "$ROOT/etc/shadow" ] && echo "$USER_NAME:!:1::::::" >> "$ROOT/etc/shadow"
  return 0
}
RUN_USER=root
if [ -n "$MAKE_USER" ] && [ -n "$is_root" ]; then
  if make_user; then RUN_USER=$USER_NAME; else warn "cannot create user $USER_NAME here: the agent runs as root"; fi
elif [ -n "$MAKE_USER" ]; then
  warn "not root: no user created, files owned by $(id -un)"
fi
OWNER=""
if [ -n "$is_root" ]; then
  if [ "$RUN_USER" = root ]; then OWNER=0:0; else OWNER=$(uid_of "$RUN_USER"):$(gid_of "$RUN_USER"); fi
fi

# 6. Files. Config: only when there is none. State: created, never emptied.
umask 022
mkdir -p "$ROOT$PREFIX/bin" "$ROOT$PREFIX/share" "$ROOT$CONFDIR" "$ROOT$STATEDIR"
chmod 0750 "$ROOT$STATEDIR" "$ROOT$CONFDIR"
[ -z "$OWNER" ] || chown "$OWNER" "$ROOT$STATEDIR"
[ -z "$OWNER" ] || chown "0:${OWNER#*:}" "$ROOT$CONFDIR"
cp "$HERE/share/ucagent.conf" "$ROOT$CONFDIR/ucagent.conf.default"
chmod 0644 "$ROOT$CONFDIR/ucagent.conf.default"
if [ -e "$CONF" ]; then
  log "keeping the existing $CONFDIR/ucagent.conf (the new default is $CONFDIR/ucagent.conf.default)"
else
  sed "s|^state_dir = .*|state_dir = $STATEDIR|" "$HERE/share/ucagent.conf" > "$CONF.tmp"
  chmod 0640 "$CONF.tmp"
  [ -z "$OWNER" ] || chown "0:${OWNER#*:}" "$CONF.tmp"
  mv -f "$CONF.tmp" "$CONF"
  log "installed the default $CONFDIR/ucagent.conf: set [pbx] url, username and password"
fi
for f in ca-certificates.crt LICENSES ucagent.conf; do cp "$HERE/share/$f" "$ROOT$PREFIX/share/$f.tmp"; mv -f "$ROOT$PREFIX/share/$f.tmp" "$ROOT$PREFIX/share/$f"; done
cp "$HERE/uninstall.sh" "$ROOT$PREFIX/uninstall.sh.tmp"; chmod 0755 "$ROOT$PREFIX/uninstall.sh.tmp"
mv -f "$ROOT$PREFIX/uninstall.sh.tmp" "$ROOT$PREFIX/uninstall.sh"

# 7. Init files.
subst() {
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@CONFDIR@|$CONFDIR|g" -e "s|@STATEDIR@|$STATEDIR|g" \
      -e "s|@USER@|$RUN_USER|g" -e "s|@GROUP@|$RUN_USER|g" "$1"
}
case $INIT in
  systemd)
    mkdir -p "$ROOT/etc/systemd/system"
    subst "$HERE/share/ucagent.service" > "$ROOT/etc/systemd/system/ucagent.service"
    chmod 0644 "$ROOT/etc/systemd/system/ucagent.service" ;;
  sysv)
    mkdir -p "$ROOT/etc/init.d" "$ROOT/etc/default"
    cp "$HERE/share/ucagent.init" "$ROOT/etc/init.d/ucagent.tmp"; chmod 0755 "$ROOT/etc/init.d/ucagent.tmp"
    mv -f "$ROOT/etc/init.d/ucagent.tmp" "$ROOT/etc/init.d/ucagent"
    printf 'PREFIX=%s\nCONFDIR=%s\nSTATEDIR=%s\nRUN_USER=%s\n' "$PREFIX" "$CONFDIR" "$STATEDIR" "$RUN_USER" \
      > "$ROOT/etc/default/ucagent" ;;
esac

# 8. Service control.
svc() {   # svc start|stop|enable|disable|running
  [ "$INIT" != none ] || return 0
  if [ "$INIT" = systemd ]; then
    case $1 in
      enable)
        if [ -n "$ROOT" ]; then
          mkdir -p "$ROOT/etc/systemd/system/multi-user.target.wants"
          ln -sf /etc/systemd/system/ucagent.service "$ROOT/etc/systemd/system/multi-user.target.wants/ucagent.service"
        else systemctl daemon-reload && systemctl enable ucagent.service; fi ;;
      start) systemctl daemon-reload && systemctl restart ucagent.service ;;
      stop) systemctl stop ucagent.service ;;
      running) sleep 2; systemctl is-active --quiet ucagent.service ;;
    esac
  else
    case $1 in
      enable)
        if [ -z "$ROOT" ] && command -v update-rc.d >/dev/null 2>&1; then update-rc.d ucagent defaults >/dev/null
        elif [ -z "$ROOT" ] && command -v chkconfig >/dev/null 2>&1; then chkconfig --add ucagent
        elif [ -d "$ROOT/etc/rc2.d" ]; then
          for r in 2 3 4 5; do ln -sf ../init.d/ucagent "$ROOT/etc/rc$r.d/S90ucagent"; done
          for r in 0 1 6; do [ -d "$ROOT/etc/rc$r.d" ] && ln -sf ../init.d/ucagent "$ROOT/etc/rc$r.d/K10ucagent"; done
        else   # BusyBox: rcS runs /etc/init.d/S??* in order
          ln -sf ucagent "$ROOT/etc/init.d/S90ucagent"
        fi ;;
      start) UCAGENT_ROOT=$ROOT "$ROOT/etc/init.d/ucagent" restart ;;
      stop) UCAGENT_ROOT=$ROOT "$ROOT/etc/init.d/ucagent" stop ;;
      running) UCAGENT_ROOT=$ROOT "$ROOT/etc/init.d/ucagent" status >/dev/null ;;
    esac
  fi
}

# 9. Atomic switch, verify, roll back on failure.
cp "$NEWBIN" "$BIN.new"; chmod 0755 "$BIN.new"
if [ -x "$BIN" ]; then
  cp -p "$BIN" "$BIN.prev.tmp" && mv -f "$BIN.prev.tmp" "$BIN.prev"
fi
mv -f "$BIN.new" "$BIN"          # one rename: no moment without a complete binary

rollback() {
  if [ -x "$BIN.prev" ] && [ -n "$OLD_VERSION" ]; then
    cp -p "$BIN.prev" "$BIN.back.tmp" && mv -f "$BIN.back.tmp" "$BIN"
    log "rolled back to ucagent $OLD_VERSION"
    if [ "$START" = 1 ]; then svc start || warn "the previous version did not start either"; fi
  else
    rm -f "$BIN"
    log "fresh install undone: no binary left in $PREFIX/bin"
  fi
  die "$1"
}

if ! out=$("$BIN" check-config -c "$CONF" 2>&1); then
  echo "$out" >&2
  rollback "ucagent $PKG_VERSION rejects $CONFDIR/ucagent.conf (above)"
fi
svc enable
if [ "$START" = 1 ] && [ "$INIT" != none ]; then
  svc start || rollback "ucagent $PKG_VERSION failed to start"
  svc running || rollback "ucagent $PKG_VERSION is not running after start"
  log "service started ($INIT)"
else
  log "service installed ($INIT), not started"
fi

printf 'VERSION=%s\nARCH=%s\nINIT=%s\nRUN_USER=%s\nPREFIX=%s\nCONFDIR=%s\nSTATEDIR=%s\n' \
  "$PKG_VERSION" "$PKG_ARCH" "$INIT" "$RUN_USER" "$PREFIX" "$CONFDIR" "$STATEDIR" > "$ROOT$PREFIX/installed.env"
log "installed ucagent $PKG_VERSION ($PKG_ARCH) in $PREFIX; config $CONFDIR, state $STATEDIR, runs as $RUN_USER"
