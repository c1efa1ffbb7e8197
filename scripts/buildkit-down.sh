#!/usr/bin/env bash
# Stops the project-local dockerd started by buildkit-up.sh (SIGTERM, then waits; its containerd goes with it).
set -euo pipefail
exec 1>&2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/buildkit-env.sh"
if [ ! -s "$BK_PID" ]; then echo "buildkit-down: no pidfile, nothing to stop"; exit 0; fi
pid=$(cat "$BK_PID")
if ! kill -0 "$pid" 2>/dev/null; then echo "buildkit-down: dockerd $pid is not running"; rm -f "$BK_PID"; exit 0; fi
# Only stop the process if it really is our dockerd (pid files outlive reboots).
case "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" in
  *dockerd) ;;
  *) echo "buildkit-down: pid $pid is not dockerd; leaving it alone"; exit 1 ;;
esac
kill -TERM "$pid"
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || { echo "buildkit-down: dockerd stopped"; exit 0; }
  sleep 0.5
done
echo "buildkit-down: dockerd $pid still running after 30 s; sending SIGKILL"
kill -KILL "$pid"
