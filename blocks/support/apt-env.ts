/**
 * What every stage that runs apt-get shares (apt, and python on bases without an interpreter): the env
 * dpkg's maintainer scripts run with and the clean-up that keeps apt's own state out of the layer.
 */

/**
 * DEBIAN_FRONTEND: no prompts. SOURCE_DATE_EPOCH: postinsts byte-compile with py_compile's default
 * mode, which is checked-hash under it; timestamp pycs would go stale once the squash copy resets every
 * mtime (llb SQUASH_MTIME_NS), so Python would recompile them at each start.
 */
export function aptEnv(): Record<string, string> {
  return { DEBIAN_FRONTEND: 'noninteractive', SOURCE_DATE_EPOCH: '0' };
}

/** Package lists, apt's package caches (pkgcache.bin/srcpkgcache.bin, ~75 MB, rebuilt by apt-get update) and logs. */
export const APT_CLEAN =
  'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old /var/cache/ldconfig/aux-cache';

/** Where the apt stage's cache mount sits: .debs in archives/, package lists in lists/<sources digest>/. */
export const APT_CACHE = '/var/cache/cogpack-apt';

/**
 * Package lists younger than this are used as they are: an apt edit then costs the install alone, not
 * `apt-get update` (here 3–4 s: 15 MB of lists fetched again and parsed, since lists are not kept in the layer).
 * Debian's mirrors publish about every 6 hours, so within an hour a fresh update almost always finds the same
 * lists. Older ones are updated first, and an install that fails on the reused lists (a package they do not
 * know, a .deb the mirror has since dropped) updates them and tries once more.
 */
export const APT_LISTS_MAX_AGE_MIN = 60;

/**
 * The shell lines that install `words` (already shell-quoted) with the lists and archives in APT_CACHE. The
 * lists dir is keyed by a digest of the image's apt sources, so bases with other sources keep their own lists
 * (`apt-get update` deletes lists of sources it does not have). The pkgcache files sit beside the lists, so an
 * install on the same base reads them instead of parsing the lists again. Nothing of this reaches the layer:
 * /var/lib/apt/lists and /var/cache/apt are not used (APT_CLEAN still empties them, as before). dpkg runs with
 * --force-unsafe-io (no fsync per file, as Docker's own Debian images configure it): the layer is written
 * when the exec ends, whatever dpkg synced. Trust: apt checks the lists' signatures when it updates them, so a
 * reused list is as trusted as the cache mount, which only builds on this daemon can write (the .debs were
 * already kept there).
 */
export function aptInstall(words: string[]): string[] {
  const lists = '"$lists"';
  const install = `apt-get install -y --no-install-recommends "$@" ${words.join(' ')}`;
  return [
    `mkdir -p ${APT_CACHE}/archives/partial`,
    `lists=${APT_CACHE}/lists/$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | sha256sum | cut -c1-16)`,
    `mkdir -p ${lists}/partial`,
    `set -- -o Dir::State::Lists=${lists}/ -o Dir::Cache::pkgcache=${lists}/pkgcache.bin -o Dir::Cache::srcpkgcache=${lists}/srcpkgcache.bin -o Dir::Cache::Archives=${APT_CACHE}/archives/ -o Dpkg::Options::=--force-unsafe-io`,
    `update() { apt-get update -o Acquire::Languages=none "$@" && touch ${lists}/cogpack-updated; }`,
    `fresh=$(find ${lists}/cogpack-updated -mmin -${APT_LISTS_MAX_AGE_MIN} 2>/dev/null || true)`,
    '[ -n "$fresh" ] || update "$@"',
    `${install} || { [ -n "$fresh" ] && update "$@" && ${install}; }`,
  ];
}
