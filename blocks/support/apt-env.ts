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
export const APT_CLEAN = 'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old /var/cache/ldconfig/aux-cache';
