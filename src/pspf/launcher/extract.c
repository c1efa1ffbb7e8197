/* Undoes a slot's operation chain (raw, gzip, tar, tar.gz) into the extraction directory. */
#include "extract.h"

#include <string.h>

#include "safe-fs.h"
#include "slot-reader.h"
#include "tar.h"
#include "util.h"

/* Output cap for gzip: the declared original size, except for the reference's pre-gzipped quirk
 * (original_size == stored size), where only deflate's own maximum ratio bounds it. */
static uint64_t gzip_limit(const pspf_slot *s) {
  if (s->original_size != s->size) return s->original_size;
  return s->size > UINT64_MAX / 1032 ? UINT64_MAX : s->size * 1032;
}

/* "{workenv}/etc/x" -> "etc/x" */
static const char *target_rel(const pspf_slot *s) {
  const char *t = s->target;
  if (!strncmp(t, "{workenv}", 9)) t += 9;
  else die(EX_EXTRACT, "slot %s: target \"%s\" is not inside {workenv}", s->id, s->target);
  while (*t == '/') t++;
  return t;
}

void extract_slot(const pspf_pkg *pkg, uint32_t i, int root_fd) {
  const pspf_slot *s = &pkg->slots[i];
  int gz = s->operations == OPS_GZIP || s->operations == OPS_TAR_GZ;
  int tar = s->operations == OPS_TAR || s->operations == OPS_TAR_GZ;
  uint64_t limit = gz ? gzip_limit(s) : s->size;
  slot_reader r;
  sr_open(&r, pkg->fd, s->offset, s->size, gz, limit, s->id);
  if (tar) {
    extract_tar(&r, root_fd);
    sr_drain(&r); /* tar padding, and for gzip the CRC/length check */
  } else {
    unsigned mode = s->permissions ? s->permissions : 0600; /* the signed mode; copy_to_file drops the unsafe bits */
    /* a gzip slot's length is only known by decompressing it; write it all (bounded by the cap) */
    copy_to_file(&r, target_rel(s), gz ? UINT64_MAX : s->size, mode, root_fd);
  }
  if (gz && s->original_size != s->size && r.produced != s->original_size)
    die(EX_EXTRACT, "slot %s: decompressed to %llu bytes, declared %llu", s->id, (unsigned long long)r.produced,
        (unsigned long long)s->original_size);
  sr_close(&r);
}
