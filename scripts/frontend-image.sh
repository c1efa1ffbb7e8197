#!/usr/bin/env bash
# Builds the cogpack frontend image (Dockerfile.frontend) into the local daemon and prints its name as the
# LAST line of stdout. Compiles only the frontend's import graph and copies the production node_modules,
# so nothing is downloaded. Env: COGPACK_FRONTEND_IMAGE (name), COGPACK_FRONTEND_BASE (a Node image),
# COGPACK_DOCKER / DOCKER_HOST / DOCKER_CONFIG (default: the project-local daemon of `npm run buildkit:up`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
IMAGE="${COGPACK_FRONTEND_IMAGE:-cogpack.local/cogpack-frontend:dev}"
BASE="${COGPACK_FRONTEND_BASE:-cogpack.local/debian-node:trixie}"

if [ -f "$ROOT/scripts/buildkit-env.sh" ]; then
  USER_DOCKER_CONFIG="${DOCKER_CONFIG:-}"
  # shellcheck source=scripts/buildkit-env.sh
  . "$ROOT/scripts/buildkit-env.sh"
  if [ -z "${DOCKER_HOST:-}" ]; then
    export DOCKER_HOST="$BK_HOST"
    [ -x "$BK_BIN/docker" ] && COGPACK_DOCKER="${COGPACK_DOCKER:-$BK_BIN/docker}"
  fi
  # the buildx plugin of `npm run buildkit:up` lives in its DOCKER_CONFIG
  if [ -n "$USER_DOCKER_CONFIG" ]; then export DOCKER_CONFIG="$USER_DOCKER_CONFIG"
  elif [ -d "$DOCKER_CONFIG/cli-plugins" ]; then export DOCKER_CONFIG
  else unset DOCKER_CONFIG; fi
fi
DOCKER="${COGPACK_DOCKER:-docker}"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/cogpack-frontend-image.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

echo "frontend-image: compiling src/frontend/main.ts" >&2
"$ROOT/node_modules/.bin/tsc" --outDir "$STAGE/dist" --rootDir "$ROOT" --target ES2022 --module commonjs \
  --moduleResolution node --esModuleInterop --resolveJsonModule --skipLibCheck --strict --types node \
  --sourceMap false "$ROOT/src/frontend/main.ts" >&2
[ -f "$STAGE/dist/src/frontend/main.js" ] || { echo "frontend-image: compile produced no main.js" >&2; exit 1; }

cp -r "$ROOT/proto" "$STAGE/proto"
node -e 'const p=require(process.argv[1]);process.stdout.write(JSON.stringify({name:p.name,version:p.version,private:true,license:p.license,dependencies:p.dependencies},null,2)+"\n")' \
  "$ROOT/package.json" >"$STAGE/package.json"

echo "frontend-image: copying production node_modules" >&2
(cd "$ROOT" && npm ls --omit=dev --all --parseable 2>/dev/null | sed -n "s|^$ROOT/||p" | grep '^node_modules/' | sort -u) >"$STAGE/.deps"
(cd "$ROOT" && tar -cf - -T "$STAGE/.deps") | (cd "$STAGE" && tar -xf -)
rm "$STAGE/.deps"

echo "frontend-image: building $IMAGE on $BASE" >&2
"$DOCKER" build -q -f "$ROOT/Dockerfile.frontend" --build-arg "BASE=$BASE" -t "$IMAGE" "$STAGE" >&2
echo "$IMAGE"
