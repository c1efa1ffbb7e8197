#!/usr/bin/env bash
# Stops the docker-registry started by registry-up.sh (only that process, by its pidfile).
set -euo pipefail
exec 1>&2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/buildkit-env.sh"
PIDFILE="$BK_DIR/registry/registry.pid"
[ -s "$PIDFILE" ] || { echo "registry-down: no pidfile, nothing to stop"; exit 0; }
pid=$(cat "$PIDFILE")
if kill -0 "$pid" 2>/dev/null && [ "$(readlink -f "/proc/$pid/exe")" = /usr/bin/docker-registry ]; then
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  echo "registry-down: stopped docker-registry $pid"
fi
rm -f "$PIDFILE"
