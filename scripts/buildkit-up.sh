#!/usr/bin/env bash
# Provisions a project-local Docker 26.1 (embedded BuildKit, containerd image store) from Debian's archive,
# starts it, builds the local base images, and prints `export NAME=value` lines on stdout (nothing else).
# Idempotent: a warm run (daemon up, images present) only checks and prints.
#   eval "$(npm run -s buildkit:up)"            # common path
#   scripts/buildkit-up.sh --with-node          # also build cogpack.local/debian-node:trixie
set -euo pipefail

WITH_NODE=0
for arg in "$@"; do
  case "$arg" in
    --with-node) WITH_NODE=1 ;;
    *) echo "buildkit-up: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# Everything we print for humans goes to stderr: stdout is eval'd by the caller.
exec 3>&1 1>&2
log() { printf 'buildkit-up: %s\n' "$*" >&2; }
die() { printf 'buildkit-up: error: %s\n' "$*" >&2; exit 1; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/buildkit-env.sh
. "$ROOT/scripts/buildkit-env.sh"

[ "$(id -u)" = 0 ] || die "must run as root (installs runc/iptables/debootstrap, runs dockerd)"
MIRROR="${COGPACK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$BK_DIR" "$BK_CACHE" "$BK_BIN" "$DOCKER_CONFIG/cli-plugins"

# --- 1. trixie packages through a private apt configuration (never touches the system's sources) ---
APT_DIR="$BK_DIR/apt"
apt_private() {
  apt-get -q -o Dir::Etc::SourceList="$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$APT_DIR/lists" -o Dir::Cache="$APT_DIR/cache" \
    -o Dir::State::Status=/var/lib/dpkg/status -o APT::Get::List-Cleanup=0 \
    -o APT::Sandbox::User=root -o Acquire::Retries=3 "$@"  # the private dirs are not readable by _apt
}
fetch_trixie_debs() {
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" >"$APT_DIR/sources.list"
  log "apt-get update (private trixie lists)"
  apt_private update >&2
  (cd "$APT_DIR/debs" && apt_private download docker.io containerd tini docker-cli docker-buildx >&2)
}
extract_prefix() {
  local deb
  rm -rf "$BK_PREFIX.tmp" && mkdir -p "$BK_PREFIX.tmp"
  for deb in "$APT_DIR"/debs/*.deb; do dpkg -x "$deb" "$BK_PREFIX.tmp"; done
  rm -rf "$BK_PREFIX" && mv "$BK_PREFIX.tmp" "$BK_PREFIX"
}
link_tools() {
  local p=$BK_PREFIX/usr
  ln -sfn "$p/sbin/dockerd" "$BK_BIN/dockerd"
  ln -sfn "$(ls "$p"/sbin/docker-proxy "$p"/bin/docker-proxy "$p"/libexec/docker/docker-proxy 2>/dev/null | head -n1)" "$BK_BIN/docker-proxy"
  ln -sfn "$p/bin/containerd" "$BK_BIN/containerd"
  ln -sfn "$p/bin/containerd-shim-runc-v2" "$BK_BIN/containerd-shim-runc-v2"
  ln -sfn "$p/bin/ctr" "$BK_BIN/ctr"
  ln -sfn "$p/bin/tini-static" "$BK_BIN/docker-init"
  ln -sfn "$p/bin/docker" "$BK_BIN/docker"
  ln -sfn "$p/libexec/docker/cli-plugins/docker-buildx" "$DOCKER_CONFIG/cli-plugins/docker-buildx"
  for t in dockerd docker-proxy containerd containerd-shim-runc-v2 docker-init docker; do
    [ -x "$BK_BIN/$t" ] || die "missing $t in the extracted prefix ($BK_PREFIX)"
  done
}
if [ ! -x "$BK_PREFIX/usr/sbin/dockerd" ] || [ ! -x "$BK_PREFIX/usr/bin/docker" ]; then
  fetch_trixie_debs
  extract_prefix
fi
link_tools

# --- 2. bookworm's runc, iptables, debootstrap in the system (trixie's runc needs glibc 2.38) ---
missing=()
command -v runc >/dev/null || missing+=(runc)
command -v iptables >/dev/null || missing+=(iptables)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]} (bookworm)"
  apt-get -q -o Acquire::Retries=3 update >&2
  DEBIAN_FRONTEND=noninteractive apt-get -q -o Acquire::Retries=3 install -y --no-install-recommends "${missing[@]}" >&2
fi

# --- 3. dockerd in its own session, surviving this script ---
daemon_answers() { "$BK_BIN/docker" -H "$BK_HOST" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
# A pidfile left by a crash or a reboot makes dockerd refuse to start; one of a live dockerd of ours means
# it is still starting (or hung): wait for it rather than start a second one.
clear_stale_pidfile() {
  [ -s "$BK_PID" ] || return 0
  local pid i
  pid=$(cat "$BK_PID")
  if kill -0 "$pid" 2>/dev/null && [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$BK_BIN/dockerd")" ]; then
    log "dockerd $pid is running but not answering yet; waiting"
    for i in $(seq 1 60); do daemon_answers && return 0; sleep 1; done
    die "dockerd $pid does not answer on $BK_HOST; see $BK_DIR/dockerd.log, or run npm run buildkit:down"
  fi
  rm -f "$BK_PID"
}
start_daemon() {
  mkdir -p "$BK_DATA" "$BK_EXEC" "$(dirname "$BK_SOCK")" "$BK_TMP"
  printf '{"features":{"containerd-snapshotter":true}}\n' >"$BK_DIR/daemon.json"
  clear_stale_pidfile
  daemon_answers && return 0
  rm -f "$BK_SOCK"
  log "starting dockerd (log: $BK_DIR/dockerd.log)"
  # 3>&-: the daemon must not hold the caller's stdout pipe, or `$(npm run -s buildkit:up)` never returns.
  # env -i: only BK_DAEMON_ENV (buildkit-env.sh) reaches the daemon, whoever runs this script
  env -i "${BK_DAEMON_ENV[@]}" setsid nohup "$BK_BIN/dockerd" --config-file "$BK_DIR/daemon.json" \
    --data-root "$BK_DATA" --exec-root "$BK_EXEC" -H "$BK_HOST" --pidfile "$BK_PID" \
    </dev/null >>"$BK_DIR/dockerd.log" 2>&1 3>&- &
  local i
  for i in $(seq 1 120); do
    daemon_answers && return 0
    if ! kill -0 $! 2>/dev/null; then tail -n 30 "$BK_DIR/dockerd.log" >&2; die "dockerd exited during start-up"; fi
    sleep 0.5
  done
  tail -n 30 "$BK_DIR/dockerd.log" >&2
  die "dockerd did not answer on $BK_HOST within 60 s"
}
if daemon_answers; then
  log "dockerd already answers on $BK_HOST"
else
  start_daemon
fi
snap=$("$BK_BIN/docker" -H "$BK_HOST" info --format '{{.Driver}} {{json .DriverStatus}}' 2>/dev/null || true)
case "$snap" in
  *io.containerd.snapshotter*|*overlayfs*) ;;
  *) log "warning: containerd image store not detected (driver: $snap); MergeOp/DiffOp will be rejected" ;;
esac

# --- 4. local base images (debootstrap tarballs cached so a new data root does not redo them) ---
"$ROOT/scripts/buildkit-images.sh" python
[ "$WITH_NODE" = 1 ] && "$ROOT/scripts/buildkit-images.sh" node

# --- 5. the environment, on the real stdout ---
{
  echo "export DOCKER_HOST=$BK_HOST"
  echo "export DOCKER_CONFIG=$DOCKER_CONFIG"
  echo "export COGPACK_DOCKER=$BK_BIN/docker"
  echo "export COGPACK_IMAGE_MAP=$COGPACK_IMAGE_MAP_VALUE"
} >&3
log "ready"
