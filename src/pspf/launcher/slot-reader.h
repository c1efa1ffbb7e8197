/* A bounded byte stream over one slot's stored bytes, optionally gunzipped with an output cap. */
#ifndef PSPF_SLOT_READER_H
#define PSPF_SLOT_READER_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

typedef struct {
  int fd;
  uint64_t off, remaining;   /* stored bytes not yet read from the file */
  int gz, eof;
  z_stream zs;
  unsigned char in[64 * 1024];
  uint64_t limit, produced;  /* decompressed bytes allowed / so far */
  const char *what;          /* slot id for messages */
} slot_reader;

void sr_open(slot_reader *r, int fd, uint64_t off, uint64_t size, int gz, uint64_t limit, const char *what);
/* Reads up to n bytes; 0 only at the end of the stream. Dies on corrupt data or when the cap is exceeded. */
size_t sr_read(slot_reader *r, void *buf, size_t n);
/* Reads exactly n bytes or dies ("truncated"). */
void sr_read_full(slot_reader *r, void *buf, size_t n);
/* Reads to the end (bounded by the cap), so the gzip CRC and length get checked. */
void sr_drain(slot_reader *r);
void sr_close(slot_reader *r);

#endif
