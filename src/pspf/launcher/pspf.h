/* The PSPF/2025 container as the launcher sees it: trailer, index, slot descriptors and verified metadata. */
#ifndef PSPF_PSPF_H
#define PSPF_PSPF_H

#include <stdint.h>
#include <sys/stat.h>

#include "json.h"

#define PSPF_TRAILER_SIZE 8200u
#define PSPF_INDEX_SIZE 8192u
#define PSPF_MAX_METADATA (16u << 20)     /* compressed and decompressed metadata cap */
#define PSPF_MAX_SLOTS 1024u

/* Operation chains the launcher can undo (packed little-endian op bytes). */
enum { OPS_RAW = 0x0, OPS_TAR = 0x01, OPS_GZIP = 0x10, OPS_TAR_GZ = 0x1001 };

typedef struct {
  uint64_t offset, size, original_size, operations, checksum8;
  unsigned permissions; /* the signed metadata's mode (the descriptor must agree) */
  const char *id, *target, *lifecycle; /* from the (signed) metadata JSON */
  unsigned char sha256[32];             /* from the metadata JSON checksum */
} pspf_slot;

typedef struct {
  int fd;
  char *path;           /* resolved path of the package (our own executable) */
  struct stat st;
  uint64_t file_size, data_end; /* data_end = start of the trailer */
  uint64_t metadata_end;        /* the slot table and slot data must start at or after it */
  unsigned char index[PSPF_INDEX_SIZE];
  uint32_t index_checksum;
  char *json;           /* the exact signed metadata JSON, NUL-terminated */
  size_t json_len;
  jval *meta;
  const char *name, *version;
  uint32_t slot_count;
  pspf_slot *slots;
  int signature_ok;
} pspf_pkg;

/* Opens, bounds-checks and verifies the index checksum, the metadata SHA-256 and the Ed25519 signature
 * (per FLAVOR_VALIDATION), parses the metadata and checks it against the slot table. Dies on failure. */
void pspf_open(pspf_pkg *pkg, const char *path);

/* Hashes every slot's stored bytes and compares with the signed metadata and the descriptor. Dies on mismatch. */
void pspf_verify_slots(const pspf_pkg *pkg);

#endif
