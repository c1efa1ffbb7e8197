#!/usr/bin/env bash
# Empties the project-local daemon back to what buildkit-up.sh made: every image but its local base images
# is removed, then all build cache. Repeated local test and bench runs leave
# hundreds of images and cache records behind (26 GB seen), and builds on such a daemon get slower.
set -euo pipefail
exec 1>&2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/buildkit-env.sh"
DOCKER=("$BK_BIN/docker" -H "$BK_HOST")
export DOCKER_CONFIG
if ! "${DOCKER[@]}" version >/dev/null 2>&1; then echo "buildkit-prune: no daemon answers on $BK_HOST (npm run buildkit:up)"; exit 3; fi
before=$("${DOCKER[@]}" system df --format '{{.Type}} {{.Size}}' | tr '\n' ' ')
# the base images are the refs src/testing/local-images.json names (buildkit-images.sh makes them)
keep=$(node -e 'const s=require(process.argv[1]); console.log([...Object.values(s.images).map((i) => i.ref), s.cudaStandin.ref].join("\n"))' "$ROOT/src/testing/local-images.json")
"${DOCKER[@]}" images --format '{{.Repository}}:{{.Tag}}' | grep -vxF '<none>:<none>' | { grep -vxF "$keep" || true; } |
  xargs -r "${DOCKER[@]}" rmi -f >/dev/null
"${DOCKER[@]}" image prune -f >/dev/null # untagged leftovers
"${DOCKER[@]}" builder prune -af >/dev/null
echo "buildkit-prune: before: $before"
echo "buildkit-prune: after:  $("${DOCKER[@]}" system df --format '{{.Type}} {{.Size}}' | tr '\n' ' ')"
