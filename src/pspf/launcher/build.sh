#!/bin/sh
# Builds the PSPF launcher as a static linux/amd64 ELF from this directory's C sources.
# Links Debian's static libsodium (Ed25519, SHA-256) and zlib (gzip, Adler-32); installs them if missing.
# Usage: build.sh [OUTPUT]   (default: dist/pspf-launcher at the repository root); skips the compile when
# OUTPUT is newer than every source (PSPF_LAUNCHER_FORCE=1 rebuilds anyway).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/dist/pspf-launcher}
libdir=/usr/lib/x86_64-linux-gnu

need=""
[ -f "$libdir/libsodium.a" ] || need="$need libsodium-dev"
[ -f "$libdir/libz.a" ] || need="$need zlib1g-dev"
command -v gcc >/dev/null 2>&1 || need="$need gcc libc6-dev"
if [ -n "$need" ]; then
  echo "build.sh: installing$need" >&2
  apt-get install -y --no-install-recommends $need >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends $need >&2; }
fi

mkdir -p "$(dirname "$out")"
# Parallel test workers may all ask for a build: one compiles, the others wait and find it fresh.
exec 9>"$out.lock"
flock 9
if [ -z "${PSPF_LAUNCHER_FORCE:-}" ] && [ -f "$out" ] &&
  [ -z "$(find "$here" -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name build.sh \) -newer "$out")" ]; then
  echo "$out"
  exit 0
fi
tmp="$out.tmp.$$"
# -ffile-prefix-map keeps machine paths out of the binary; -s strips it; gc-sections drops unused code.
gcc -std=c11 -D_FILE_OFFSET_BITS=64 -Os -Wall -Wextra -Wno-unused-result -Werror=implicit-function-declaration \
  -ffunction-sections -fdata-sections -ffile-prefix-map="$here"=. -fno-asynchronous-unwind-tables \
  -static -s -Wl,--gc-sections -Wl,--build-id=none \
  -o "$tmp" "$here"/*.c "$libdir/libsodium.a" "$libdir/libz.a"
mv "$tmp" "$out"
echo "$out"
