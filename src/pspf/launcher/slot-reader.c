/* A bounded byte stream over one slot's stored bytes; gzip is undone with a hard output cap. */
#include "slot-reader.h"

#include <string.h>

#include "util.h"

void sr_open(slot_reader *r, int fd, uint64_t off, uint64_t size, int gz, uint64_t limit, const char *what) {
  memset(r, 0, sizeof *r);
  r->fd = fd, r->off = off, r->remaining = size, r->gz = gz, r->limit = limit, r->what = what;
  if (gz && inflateInit2(&r->zs, 31) != Z_OK) die(EX_PANIC, "zlib init failed");
}

static size_t read_stored(slot_reader *r, void *buf, size_t n) {
  if (n > r->remaining) n = (size_t)r->remaining;
  if (n && pread_full(r->fd, buf, n, r->off) != 0) die(EX_IO, "cannot read slot %s", r->what);
  r->off += n, r->remaining -= n;
  return n;
}

static size_t read_gz(slot_reader *r, unsigned char *buf, size_t n) {
  r->zs.next_out = buf, r->zs.avail_out = (uInt)n;
  while (r->zs.avail_out == n && !r->eof) {
    if (r->zs.avail_in == 0) {
      r->zs.avail_in = (uInt)read_stored(r, r->in, sizeof r->in);
      r->zs.next_in = r->in;
      if (r->zs.avail_in == 0) die(EX_EXTRACT, "slot %s: gzip stream is truncated", r->what);
    }
    int rc = inflate(&r->zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      r->eof = 1;
      if (r->zs.avail_in != 0 || r->remaining != 0) die(EX_EXTRACT, "slot %s: data after the gzip stream", r->what);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      die(EX_EXTRACT, "slot %s: corrupt gzip data (%s)", r->what, r->zs.msg ? r->zs.msg : "?");
    }
  }
  return n - r->zs.avail_out;
}

size_t sr_read(slot_reader *r, void *buf, size_t n) {
  if (n == 0) return 0;
  if (n > (1u << 30)) n = 1u << 30;
  size_t got = r->gz ? read_gz(r, buf, n) : read_stored(r, buf, n);
  r->produced += got;
  if (r->produced > r->limit)
    die(EX_EXTRACT, "slot %s: decompresses beyond its declared size (%llu bytes)", r->what,
        (unsigned long long)r->limit);
  return got;
}

void sr_read_full(slot_reader *r, void *buf, size_t n) {
  unsigned char *p = buf;
  while (n > 0) {
    size_t got = sr_read(r, p, n);
    if (got == 0) die(EX_EXTRACT, "slot %s: data is truncated", r->what);
    p += got, n -= got;
  }
}

void sr_drain(slot_reader *r) {
  unsigned char buf[16384];
  while (sr_read(r, buf, sizeof buf) > 0) {
  }
}

void sr_close(slot_reader *r) {
  if (r->gz) inflateEnd(&r->zs);
}
