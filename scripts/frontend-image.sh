#!/usr/bin/env bash
# Builds the cogpack frontend image (Dockerfile.frontend) into the local daemon and prints its name as the
# LAST line of stdout. Bundles the frontend into one file (scripts/build-frontend-bundle.ts): no node_modules
# in the image, and nothing is downloaded. Env: COGPACK_FRONTEND_IMAGE (name), COGPACK_FRONTEND_BASE (a Node image),
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

echo "frontend-image: bundling src/frontend" >&2
(cd "$ROOT" && node_modules/.bin/tsx scripts/build-frontend-bundle.ts "$STAGE/dist") >&2
rm -f "$STAGE"/dist/*.LEGAL.txt
mkdir -p "$STAGE/proto" "$STAGE/warm"
cp "$ROOT/proto/ops.proto" "$STAGE/proto/"
# the code cache is warmed on these (CPU/GPU, apt, wheels, pyproject, uv.lock, weights); they stay in the build stage
for fixture in cpu-minimal cpu-apt-wheel gpu-torch tf-gpu pyproject-app uv-lock weights; do
  cp -r "$ROOT/testdata/$fixture" "$STAGE/warm/"
done

echo "frontend-image: building $IMAGE on $BASE" >&2
"$DOCKER" build -q -f "$ROOT/Dockerfile.frontend" --build-arg "BASE=$BASE" -t "$IMAGE" "$STAGE" >&2
echo "$IMAGE"
