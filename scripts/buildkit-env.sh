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
# dockerd (and the containerd and BuildKit inside it) start from a clean environment, never the caller's: a
# daemon started by a test run inherited jest's TMPDIR, which the run then deleted, and `docker run` failed
# until the daemon was restarted. Its temporary files go to its own directory; proxies are kept if set.
BK_TMP="$BK_DIR/tmp"
BK_DAEMON_ENV=("PATH=$BK_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=${HOME:-/root}" "TMPDIR=$BK_TMP")
for bk_v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  if [ -n "${!bk_v:-}" ]; then BK_DAEMON_ENV+=("$bk_v=${!bk_v}"); fi
done
COGPACK_IMAGE_MAP_VALUE=$(node -e 'const m=require(process.argv[1]).imageMap;process.stdout.write(Object.entries(m).map(([k,v])=>k+"="+v).join(","))' "$ROOT/src/testing/local-images.json")
