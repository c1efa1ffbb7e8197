#!/usr/bin/env bash
# `npm run example`: starts the local BuildKit, builds an example fixture with cogpack (apt package + local
# wheel, offline), runs the image and shows what it prints. Override with EXAMPLE=testdata/<case>.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
EXAMPLE="${EXAMPLE:-testdata/cpu-apt-wheel}"
TAG="${TAG:-cogpack-example}"

eval "$(bash scripts/buildkit-up.sh)"
export DOCKER_HOST DOCKER_CONFIG COGPACK_DOCKER COGPACK_IMAGE_MAP

# The compiled CLI when it is newer than every source file (npm run build), else the TypeScript sources.
if [ -f dist/src/cli.js ] && [ -z "$(find src planner llb blocks stacks -name '*.ts' -newer dist/src/cli.js -print -quit)" ]; then
  COGPACK=(node bin/cogpack.js)
else
  COGPACK=(npx --no-install tsx src/cli.ts)
fi

echo "== cogpack build $EXAMPLE -t $TAG --cog-sdk none" >&2
"${COGPACK[@]}" build "$EXAMPLE" -t "$TAG" --cog-sdk none

echo "== the image's layers" >&2
"$COGPACK_DOCKER" history --format '{{.Size}}\t{{.CreatedBy}}' "$TAG" | cut -c1-120

# The cog SDK is not installable offline (--cog-sdk none), so instead of `python -m cog.server.http` this runs the
# predictor class directly with a minimal stand-in for `cog.BasePredictor`.
echo "== docker run $TAG" >&2
"$COGPACK_DOCKER" run --rm --network none "$TAG" sh -c '
  set -e
  echo "jq: $(jq --version)"
  python - <<PY
import sys, types
cog = types.ModuleType("cog"); cog.BasePredictor = object; sys.modules["cog"] = cog
sys.path.insert(0, "/src")
from predict import Predictor
import cogpack_hello
print("predict():", Predictor().predict("cogpack"))
print("cogpack_hello.greet():", cogpack_hello.greet("example"), cogpack_hello.__version__)
PY'
