#!/usr/bin/env bash
# Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1:5000 for push tests, storage under .buildkit/registry.
# Idempotent. stdout carries only `export COGPACK_TEST_REGISTRY=127.0.0.1:5000`, for eval.
set -euo pipefail
exec 3>&1 1>&2
log() { printf 'registry-up: %s\n' "$*" >&2; }
die() { printf 'registry-up: error: %s\n' "$*" >&2; exit 1; }
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/buildkit-env.sh"
ADDR="${COGPACK_REGISTRY_ADDR:-127.0.0.1:5000}"
REG_DIR="$BK_DIR/registry"
answers() { curl -fsS -o /dev/null --max-time 2 "http://$ADDR/v2/" 2>/dev/null; }

if answers; then
  log "a registry already answers on $ADDR"
else
  if ! command -v docker-registry >/dev/null; then
    log "apt-get install docker-registry (bookworm)"
    apt-get -q update >&2
    # policy-rc.d/no init system: the package's own service is not started; we run our own instance.
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends docker-registry >&2
  fi
  mkdir -p "$REG_DIR/data"
  # No auth, loopback only, deletes allowed so tests can clean up.
  cat >"$REG_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
YAML
  log "starting docker-registry on $ADDR (log: $REG_DIR/registry.log)"
  setsid nohup docker-registry serve "$REG_DIR/config.yml" </dev/null >>"$REG_DIR/registry.log" 2>&1 3>&- &
  echo $! >"$REG_DIR/registry.pid"
  for _ in $(seq 1 40); do
    answers && break
    kill -0 "$(cat "$REG_DIR/registry.pid")" 2>/dev/null || { tail -n 20 "$REG_DIR/registry.log" >&2; die "docker-registry exited"; }
    sleep 0.25
  done
  answers || die "docker-registry did not answer on $ADDR within 10 s"
fi
echo "export COGPACK_TEST_REGISTRY=$ADDR" >&3
