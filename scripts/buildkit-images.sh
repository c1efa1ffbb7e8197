#!/usr/bin/env bash
# Builds the local base images the tests need (debootstrap + docker import) into the project-local daemon.
# The debootstrap tarballs stay in .buildkit/cache, so a fresh data root only re-imports them.
#   scripts/buildkit-images.sh python   # cogpack.local/debian-python:bookworm + cogpack.local/cuda-standin:bookworm
#   scripts/buildkit-images.sh node     # cogpack.local/debian-node:trixie
# Progress goes to stderr; nothing on stdout.
set -euo pipefail
exec 1>&2
log() { printf 'buildkit-images: %s\n' "$*" >&2; }
die() { printf 'buildkit-images: error: %s\n' "$*" >&2; exit 1; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/buildkit-env.sh"
MIRROR="${COGPACK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SPEC="$ROOT/src/testing/local-images.json"
DOCKER=("$BK_BIN/docker" -H "$BK_HOST")
export DOCKER_CONFIG
spec() { node -e 'const s=require(process.argv[1]);const v=process.argv[2].split(".").reduce((o,k)=>o[k],s);process.stdout.write(Array.isArray(v)?v.join(","):typeof v==="object"?JSON.stringify(v):String(v))' "$SPEC" "$1"; }
have_image() { "${DOCKER[@]}" image inspect "$1" >/dev/null 2>&1; }
# image_label REF KEY -> the label's value ("" when the image or label is missing).
image_label() { "${DOCKER[@]}" image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }
# rootfs_key KIND -> what the rootfs is made of; a changed spec re-creates the tarball and the image.
rootfs_key() { printf '%s %s' "$(spec "images.$1.suite")" "$(spec "images.$1.include")" | sha256sum | cut -c1-12; }

# rootfs_tarball KIND -> path of a cached minbase tarball for that image kind (made once).
rootfs_tarball() {
  local kind=$1 suite include tarball tmp
  suite=$(spec "images.$kind.suite"); include=$(spec "images.$kind.include")
  tarball="$BK_CACHE/rootfs-$kind-$suite-$(rootfs_key "$kind").tar"
  if [ ! -s "$tarball" ]; then
    tmp="$BK_CACHE/rootfs-$kind.tmp"
    rm -rf "$tmp" && mkdir -p "$tmp"
    log "debootstrap --variant=minbase $suite ($include); takes about a minute"
    # One retry: a dropped connection to the archive should not fail a CI run.
    debootstrap --variant=minbase --include="$include" "$suite" "$tmp" "$MIRROR" >"$BK_CACHE/debootstrap-$kind.log" 2>&1 \
      || { log "debootstrap failed; retrying once"; rm -rf "$tmp" && mkdir -p "$tmp" \
        && debootstrap --variant=minbase --include="$include" "$suite" "$tmp" "$MIRROR" >>"$BK_CACHE/debootstrap-$kind.log" 2>&1; } \
      || { tail -n 20 "$BK_CACHE/debootstrap-$kind.log" >&2; die "debootstrap $suite failed"; }
    # Smaller and closer to the images we stand in for: no apt lists/caches, no logs. python:3.11-slim lets
    # pip install into the system interpreter, so drop Debian's PEP 668 marker too.
    rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/* "$tmp"/var/log/* "$tmp"/usr/lib/python3*/EXTERNALLY-MANAGED
    tar --numeric-owner --sort=name -C "$tmp" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$tmp"
    find "$BK_CACHE" -maxdepth 1 -name "rootfs-$kind-*.tar" ! -path "$tarball" -delete
  fi
  printf '%s\n' "$tarball"
}

import_image() {
  local kind=$1 ref tarball cmd key
  ref=$(spec "images.$kind.ref"); key=$(rootfs_key "$kind")
  if [ "$(image_label "$ref" org.cogpack.rootfs)" = "$key" ]; then log "$ref present"; return 0; fi
  tarball=$(rootfs_tarball "$kind")
  cmd=$(spec "images.$kind.cmd")
  log "docker import $ref"
  "${DOCKER[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "CMD [\"${cmd//,/\",\"}\"]" \
    --change "LABEL org.cogpack.local-image=$ref" \
    --change "LABEL org.cogpack.rootfs=$key" \
    "$tarball" "$ref" >/dev/null
}

# The CUDA stand-in shares the python image's layer; only its config differs (a label saying what it replaces).
tag_cuda_standin() {
  local ref from label
  ref=$(spec cudaStandin.ref); from=$(spec "images.$(spec cudaStandin.from).ref"); label=$(spec cudaStandin.label)
  # Same rootfs label as the python image means it was made from the current one.
  if [ -n "$(image_label "$ref" org.cogpack.rootfs)" ] \
    && [ "$(image_label "$ref" org.cogpack.rootfs)" = "$(image_label "$from" org.cogpack.rootfs)" ]; then
    log "$ref present"; return 0
  fi
  log "tagging $ref (label only, same layer as $from)"
  printf 'FROM %s\nLABEL %s\n' "$from" "$label" \
    | "${DOCKER[@]}" buildx build --quiet --load -t "$ref" - >/dev/null
}

case "${1:-}" in
  python) import_image python; tag_cuda_standin ;;
  node) import_image node ;;
  *) die "usage: buildkit-images.sh python|node" ;;
esac
