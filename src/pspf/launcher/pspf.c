/* Reads and verifies a PSPF/2025 package: nothing from the file is trusted before these checks pass. */
#define _GNU_SOURCE
#include "pspf.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

static const unsigned char MAGIC_START[4] = {0xF0, 0x9F, 0x93, 0xA6};
static const unsigned char MAGIC_END[4] = {0xF0, 0x9F, 0xAA, 0x84};

static int all_zero(const unsigned char *p, size_t n) {
  while (n--)
    if (*p++) return 0;
  return 1;
}

/* Region [off, off+size) must lie before the trailer; overflow-safe. */
static void check_region(const pspf_pkg *pkg, uint64_t off, uint64_t size, const char *what) {
  uint64_t end;
  if (!add_ok(off, size, &end) || end > pkg->data_end)
    die(EX_FORMAT, "%s (offset %llu, size %llu) lies outside the package", what, (unsigned long long)off,
        (unsigned long long)size);
}

static void read_trailer(pspf_pkg *pkg) {
  unsigned char t[PSPF_TRAILER_SIZE];
  if (pkg->file_size < PSPF_TRAILER_SIZE) die(EX_FORMAT, "not a PSPF package: file too small for the trailer");
  if (pread_full(pkg->fd, t, sizeof t, pkg->file_size - PSPF_TRAILER_SIZE) != 0)
    die(EX_IO, "cannot read the trailer: %s", strerror(errno));
  if (memcmp(t, MAGIC_START, 4) || memcmp(t + 4 + PSPF_INDEX_SIZE, MAGIC_END, 4))
    die(EX_FORMAT, "not a PSPF package: trailer magic missing");
  memcpy(pkg->index, t + 4, PSPF_INDEX_SIZE);
  pkg->data_end = pkg->file_size - PSPF_TRAILER_SIZE;
  pkg->index_checksum = rd32(pkg->index + 4);
  unsigned char copy[PSPF_INDEX_SIZE];
  memcpy(copy, pkg->index, sizeof copy);
  memset(copy + 4, 0, 4);
  uint32_t adler = (uint32_t)adler32(adler32(0L, Z_NULL, 0), copy, sizeof copy);
  if (adler != pkg->index_checksum)
    die(EX_VERIFY, "index checksum mismatch (stored %08x, computed %08x)", pkg->index_checksum, adler);
  if (rd32(pkg->index) != 0x20250001u) die(EX_FORMAT, "unsupported format_version 0x%08x", rd32(pkg->index));
  if (rd64(pkg->index + 8) != pkg->file_size)
    die(EX_FORMAT, "package_size %llu does not match the file size %llu", (unsigned long long)rd64(pkg->index + 8),
        (unsigned long long)pkg->file_size);
}

/* Gunzips the metadata with a hard output cap (no decompression bombs). */
static void inflate_metadata(pspf_pkg *pkg, const unsigned char *gz, size_t gz_len) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 31) != Z_OK) die(EX_PANIC, "zlib init failed");
  size_t cap = 64 * 1024, len = 0;
  char *out = xmalloc(cap + 1);
  zs.next_in = (unsigned char *)gz, zs.avail_in = (uInt)gz_len;
  int rc;
  do {
    if (len == cap) {
      if (cap >= PSPF_MAX_METADATA) die(EX_FORMAT, "metadata JSON larger than %u bytes", PSPF_MAX_METADATA);
      cap *= 2;
      out = xrealloc(out, cap + 1);
    }
    zs.next_out = (unsigned char *)out + len, zs.avail_out = (uInt)(cap - len);
    rc = inflate(&zs, Z_NO_FLUSH);
    len = cap - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END) die(EX_FORMAT, "metadata is not valid gzip (%s)", zs.msg ? zs.msg : "?");
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) die(EX_FORMAT, "metadata gzip is truncated");
  } while (rc != Z_STREAM_END);
  if (zs.avail_in != 0) die(EX_FORMAT, "trailing bytes after the metadata gzip stream");
  inflateEnd(&zs);
  out[len] = 0;
  if (memchr(out, 0, len)) die(EX_FORMAT, "metadata JSON contains a NUL byte");
  pkg->json = out, pkg->json_len = len;
}

static void check_signature(pspf_pkg *pkg) {
  const char *level = getenv("FLAVOR_VALIDATION");
  const unsigned char *pub = pkg->index + 64, *sig = pkg->index + 128;
  int ok = !all_zero(pub, 32) &&
           crypto_sign_verify_detached(sig, (const unsigned char *)pkg->json, pkg->json_len, pub) == 0;
  pkg->signature_ok = ok;
  if (ok || (level && !strcmp(level, "none"))) return;
  /* Stricter than the reference: "standard" (the default) refuses too; only relaxed/minimal only warn. */
  if (level && (!strcmp(level, "relaxed") || !strcmp(level, "minimal"))) {
    note("warning: metadata signature is invalid (FLAVOR_VALIDATION=%s)", level);
    return;
  }
  die(EX_VERIFY, "metadata signature is invalid; refusing to run");
}

static void read_metadata(pspf_pkg *pkg) {
  uint64_t off = rd64(pkg->index + 24), size = rd64(pkg->index + 32), launcher_size = rd64(pkg->index + 16);
  if (launcher_size > pkg->data_end) die(EX_FORMAT, "launcher_size %llu runs past the trailer", (unsigned long long)launcher_size);
  if (off < launcher_size) die(EX_FORMAT, "metadata (offset %llu) starts inside the launcher", (unsigned long long)off);
  check_region(pkg, off, size, "metadata");
  pkg->metadata_end = off + size;
  if (size == 0 || size > PSPF_MAX_METADATA) die(EX_FORMAT, "metadata size %llu out of range", (unsigned long long)size);
  unsigned char *gz = xmalloc((size_t)size), digest[32];
  if (pread_full(pkg->fd, gz, (size_t)size, off) != 0) die(EX_IO, "cannot read metadata: %s", strerror(errno));
  crypto_hash_sha256(digest, gz, (size_t)size);
  if (memcmp(digest, pkg->index + 96, 32)) die(EX_VERIFY, "metadata checksum mismatch");
  inflate_metadata(pkg, gz, (size_t)size);
  free(gz);
  check_signature(pkg);
  char err[128];
  pkg->meta = json_parse(pkg->json, pkg->json_len, err, sizeof err);
  if (!pkg->meta || pkg->meta->t != J_OBJ) die(EX_FORMAT, "metadata JSON: %s", pkg->meta ? "not an object" : err);
}

static uint64_t parse_ops_name(const char *s) {
  static const struct { const char *name; uint64_t ops; } names[] = {
      {"", OPS_RAW}, {"raw", OPS_RAW}, {"none", OPS_RAW}, {"gzip", OPS_GZIP}, {"tar", OPS_TAR},
      {"tar.gz", OPS_TAR_GZ}, {"tgz", OPS_TAR_GZ}, {"tar|gzip", OPS_TAR_GZ}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcasecmp(s, names[i].name)) return names[i].ops;
  return UINT64_MAX;
}

static int parse_sha256(const char *s, unsigned char out[32]) {
  if (!s || strncmp(s, "sha256:", 7) || strlen(s + 7) != 64 || strspn(s + 7, "0123456789abcdef") != 64) return 0;
  size_t bin_len = 0;
  return sodium_hex2bin(out, 32, s + 7, 64, NULL, &bin_len, NULL) == 0 && bin_len == 32;
}

/* The signed mode: metadata "permissions" as the reference writes it ("0755", "755", "0o755"; absent or
 * null: 0644). Returns -1 when it is not such a string. */
static long signed_mode(const jval *sv) {
  const jval *p = json_get(sv, "permissions");
  if (!p || p->t == J_NULL) return 0644;
  if (p->t != J_STR) return -1;
  const char *t = p->s;
  if (!*t) return 0644;
  if (!strncmp(t, "0o", 2)) t += 2;
  else if (t[0] == '0' && t[1]) t++;
  size_t n = strspn(t, "01234567");
  if (n == 0 || n > 4 || t[n]) return -1;
  return strtol(t, NULL, 8);
}

/* Deflate cannot expand more than 1032:1, so a larger declaration is refused before anything is inflated. */
#define GZIP_MAX_RATIO 1032u

static void check_sizes(const pspf_slot *s, uint32_t i) {
  int gz = s->operations == OPS_GZIP || s->operations == OPS_TAR_GZ;
  if (!gz && s->original_size != s->size)
    die(EX_FORMAT, "slot %u (%s): original_size %llu differs from the stored size %llu of an uncompressed slot", i, s->id,
        (unsigned long long)s->original_size, (unsigned long long)s->size);
  if (gz && s->original_size / GZIP_MAX_RATIO > s->size)
    die(EX_FORMAT, "slot %u (%s): original_size %llu is more than gzip can produce from %llu stored bytes", i, s->id,
        (unsigned long long)s->original_size, (unsigned long long)s->size);
}

static void read_slot(pspf_pkg *pkg, uint32_t i, const unsigned char *d, const jval *js, uint64_t table_end) {
  pspf_slot *s = &pkg->slots[i];
  s->offset = rd64(d + 16), s->size = rd64(d + 24), s->original_size = rd64(d + 32);
  s->operations = rd64(d + 40), s->checksum8 = rd64(d + 48);
  unsigned descriptor_mode = (unsigned)d[62] | (unsigned)d[63] << 8;
  if (s->offset < table_end) die(EX_FORMAT, "slot %u data (offset %llu) starts inside the slot table", i, (unsigned long long)s->offset);
  check_region(pkg, s->offset, s->size, "slot data");
  const jval *sv = js->items[i];
  s->id = json_get_str(sv, "id"), s->target = json_get_str(sv, "target");
  s->lifecycle = json_get_str(sv, "lifecycle");
  const char *ops = json_get_str(sv, "operations");
  if (!s->id || !s->target || !ops || !s->lifecycle) die(EX_FORMAT, "metadata slot %u lacks id, target, operations or lifecycle", i);
  if (!parse_sha256(json_get_str(sv, "checksum"), s->sha256))
    die(EX_FORMAT, "metadata slot %u (%s) has no valid sha256 checksum", i, s->id);
  uint64_t named = parse_ops_name(ops);
  if (named == UINT64_MAX || named != s->operations)
    die(EX_FORMAT, "slot %u (%s): unsupported or mismatched operations \"%s\" (descriptor 0x%llx)", i, s->id, ops,
        (unsigned long long)s->operations);
  long mode = signed_mode(sv);
  if (mode < 0) die(EX_FORMAT, "metadata slot %u (%s): permissions are not an octal mode", i, s->id);
  if ((unsigned long)mode != descriptor_mode)
    die(EX_FORMAT, "slot %u (%s): descriptor permissions 0%o differ from the signed metadata's 0%lo", i, s->id, descriptor_mode,
        mode);
  s->permissions = (unsigned)mode;
  check_sizes(s, i);
}

static void read_slots(pspf_pkg *pkg) {
  const jval *js = json_get(pkg->meta, "slots");
  pkg->slot_count = rd32(pkg->index + 56);
  uint64_t table_off = rd64(pkg->index + 40), table_size = rd64(pkg->index + 48);
  if (!js || js->t != J_ARR) die(EX_FORMAT, "metadata has no slots array");
  if (pkg->slot_count > PSPF_MAX_SLOTS) die(EX_FORMAT, "slot_count %u exceeds %u", pkg->slot_count, PSPF_MAX_SLOTS);
  if (js->n != pkg->slot_count) die(EX_FORMAT, "slot table has %u slots, metadata lists %zu", pkg->slot_count, js->n);
  if (table_size != (uint64_t)pkg->slot_count * 64) die(EX_FORMAT, "slot_table_size does not match slot_count");
  pkg->slots = xmalloc(sizeof(pspf_slot) * (pkg->slot_count ? pkg->slot_count : 1));
  if (pkg->slot_count == 0) return;
  if (table_off < pkg->metadata_end) die(EX_FORMAT, "the slot table (offset %llu) starts inside the metadata", (unsigned long long)table_off);
  check_region(pkg, table_off, table_size, "slot table");
  unsigned char *table = xmalloc((size_t)table_size);
  if (pread_full(pkg->fd, table, (size_t)table_size, table_off) != 0) die(EX_IO, "cannot read the slot table");
  for (uint32_t i = 0; i < pkg->slot_count; i++) read_slot(pkg, i, table + (size_t)i * 64, js, table_off + table_size);
  free(table);
}

/* execution.command must hold a word to run, and primary_slot must name a slot (or be 0 with none). */
static void check_execution(const pspf_pkg *pkg) {
  const jval *ex = json_get(pkg->meta, "execution"), *primary = json_get(ex, "primary_slot");
  const char *command = json_get_str(ex, "command");
  if (!command || strspn(command, " \t\n\r") == strlen(command)) die(EX_FORMAT, "metadata has no execution.command");
  uint32_t slots = pkg->slot_count ? pkg->slot_count : 1;
  if (!primary || primary->t != J_NUM || primary->num < 0 || primary->num >= slots || primary->num != (double)(uint32_t)primary->num)
    die(EX_FORMAT, "metadata execution.primary_slot names no slot");
}

void pspf_open(pspf_pkg *pkg, const char *path) {
  memset(pkg, 0, sizeof *pkg);
  if (sodium_init() < 0) die(EX_PANIC, "libsodium init failed");
  pkg->path = xstrdup(path);
  pkg->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (pkg->fd < 0 || fstat(pkg->fd, &pkg->st) != 0) die(EX_IO, "cannot open %s: %s", path, strerror(errno));
  pkg->file_size = (uint64_t)pkg->st.st_size;
  read_trailer(pkg);
  read_metadata(pkg);
  const jval *package = json_get(pkg->meta, "package");
  const char *format = json_get_str(pkg->meta, "format");
  pkg->name = json_get_str(package, "name"), pkg->version = json_get_str(package, "version");
  if (!format || strcmp(format, "PSPF/2025")) die(EX_FORMAT, "metadata format is not PSPF/2025");
  if (!pkg->name || !pkg->version) die(EX_FORMAT, "metadata lacks package.name or package.version");
  read_slots(pkg);
  check_execution(pkg);
}

void pspf_verify_slots(const pspf_pkg *pkg) {
  enum { CHUNK = 1 << 20 };
  unsigned char *buf = xmalloc(CHUNK), digest[32];
  for (uint32_t i = 0; i < pkg->slot_count; i++) {
    const pspf_slot *s = &pkg->slots[i];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (uint64_t done = 0; done < s->size;) {
      size_t n = s->size - done < CHUNK ? (size_t)(s->size - done) : CHUNK;
      if (pread_full(pkg->fd, buf, n, s->offset + done) != 0) die(EX_IO, "cannot read slot %u", i);
      crypto_hash_sha256_update(&st, buf, n);
      done += n;
    }
    crypto_hash_sha256_final(&st, digest);
    if (memcmp(digest, s->sha256, 32) || rd64(digest) != s->checksum8)
      die(EX_VERIFY, "slot %u (%s) checksum mismatch: the package is corrupt", i, s->id);
  }
  free(buf);
}
