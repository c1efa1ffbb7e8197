# Sourced by the buildkit-*.sh scripts: the paths of the project-local daemon, computed one way for all of them.
# shellcheck shell=bash
BK_DIR="${COGPACK_BUILDKIT_DIR:-$ROOT/.buildkit}"
BK_PREFIX="$BK_DIR/prefix"
BK_BIN="$BK_DIR/bin"
BK_CACHE="$BK_DIR/cache"
BK_DATA="$BK_DIR/data"
BK_EXEC="$BK_DIR/exec"
BK_PID="$BK_DIR/dockerd.pid"
DOCKER_CONFIG="$BK_DIR/docker-config"
# A unix socket path must fit in sun_path (108 bytes with the NUL); containerd adds its own sockets under
# the exec root, so keep a margin and move both to /run (or /tmp) when the repo path is long.
BK_SOCK="$BK_DIR/docker.sock"
if [ "${#BK_EXEC}" -gt 60 ] || [ "${#BK_SOCK}" -gt 100 ]; then
  bk_hash=$(printf '%s' "$BK_DIR" | sha256sum | cut -c1-12)
  bk_run=/run; [ -w /run ] || bk_run=/tmp
  BK_SOCK="$bk_run/cogpack-$bk_hash/docker.sock"
  BK_EXEC="$bk_run/cogpack-$bk_hash/exec"
fi
BK_HOST="unix://$BK_SOCK"
COGPACK_IMAGE_MAP_VALUE=$(node -e 'const m=require(process.argv[1]).imageMap;process.stdout.write(Object.entries(m).map(([k,v])=>k+"="+v).join(","))' "$ROOT/src/testing/local-images.json")
