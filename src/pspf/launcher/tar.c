/* Unpacks a ustar/PAX tar stream below the extraction root; members that escape it are refused. */
#define _GNU_SOURCE
#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe-fs.h"
#include "util.h"

#define MAX_PAX (1u << 20)
#define MAX_PATH_LEN_TAR 4096

static uint64_t tar_number(const unsigned char *f, size_t n, const char *what) {
  uint64_t v = 0;
  if (f[0] & 0x80) { /* base-256 */
    for (size_t i = 1; i < n; i++) {
      if (v >> 55) die(EX_EXTRACT, "tar header number too large in slot %s", what);
      v = v << 8 | f[i];
    }
    return f[0] == 0x80 ? v : (die(EX_EXTRACT, "negative tar header number in slot %s", what), 0);
  }
  size_t i = 0;
  while (i < n && f[i] == ' ') i++;
  for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
    if (v >> 60) die(EX_EXTRACT, "tar header number too large in slot %s", what);
    v = v << 3 | (uint64_t)(f[i] - '0');
  }
  if (i < n && f[i] != 0 && f[i] != ' ') die(EX_EXTRACT, "bad octal number in a tar header of slot %s", what);
  return v;
}

static int header_checksum_ok(const unsigned char *h) {
  uint64_t stored = tar_number(h + 148, 8, "?"), sum = 0;
  int64_t ssum = 0;
  for (int i = 0; i < 512; i++) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
    sum += c, ssum += (signed char)c;
  }
  return stored == sum || (int64_t)stored == ssum;
}

typedef struct {
  char *path, *linkpath;  /* pending overrides from PAX / GNU long-name entries */
  int has_size;
  uint64_t size;
} tar_pending;

static char *read_blob(slot_reader *r, uint64_t size, uint64_t max) {
  if (size > max) die(EX_EXTRACT, "slot %s: tar extension header too large", r->what);
  uint64_t padded = (size + 511) & ~(uint64_t)511;
  char *buf = xmalloc((size_t)padded + 1);
  sr_read_full(r, buf, (size_t)padded);
  buf[size] = 0;
  return buf;
}

/* PAX records "LEN key=value\n": only path, linkpath and size change extraction. */
static void parse_pax(slot_reader *r, uint64_t size, tar_pending *pend) {
  char *buf = read_blob(r, size, MAX_PAX), *p = buf, *end = buf + size;
  while (p < end) {
    char *sp = memchr(p, ' ', (size_t)(end - p));
    unsigned long len = strtoul(p, NULL, 10);
    if (!sp || len == 0 || len > (unsigned long)(end - p) || p[len - 1] != '\n') die(EX_EXTRACT, "slot %s: malformed PAX header", r->what);
    char *kv = sp + 1, *eq = memchr(kv, '=', (size_t)(p + len - kv));
    if (!eq) die(EX_EXTRACT, "slot %s: malformed PAX record", r->what);
    size_t klen = (size_t)(eq - kv), vlen = (size_t)(p + len - 1 - eq - 1);
    if (klen == 4 && !strncmp(kv, "path", 4)) free(pend->path), pend->path = xstrndup(eq + 1, vlen);
    else if (klen == 8 && !strncmp(kv, "linkpath", 8)) free(pend->linkpath), pend->linkpath = xstrndup(eq + 1, vlen);
    else if (klen == 4 && !strncmp(kv, "size", 4)) pend->has_size = 1, pend->size = strtoull(eq + 1, NULL, 10);
    p += len;
  }
  free(buf);
}

/* A symlink is allowed only if its text, resolved from the entry's (real) directory, stays inside the root.
 * ".." may only lead the text: after a named component it could step back out through another symlink. */
static int link_stays_inside(const char *entry, const char *target) {
  if (!*target || target[0] == '/') return 0;
  int depth = 0, descended = 0;
  for (const char *c = entry; *c; c++) depth += *c == '/';
  for (const char *p = target; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && !strncmp(p, "..", 2)) {
      if (descended || --depth < 0) return 0;
    } else if (n && !(n == 1 && *p == '.')) {
      descended = 1;
    }
    p += n + (e ? 1 : 0);
  }
  return 1;
}

static void make_dir(int root_fd, const char *name, unsigned mode, const char *what) {
  char *rel = safe_relpath(name);
  if (!rel && (name[0] == '/' || strstr(name, ".."))) die(EX_EXTRACT, "refusing unsafe path \"%s\" in slot %s", name, what);
  if (!rel) return; /* "./" and the like: the root itself */
  const char *last;
  int dir = open_parent(root_fd, rel, &last);
  if (mkdirat(dir, last, 0700) != 0 && errno != EEXIST) die(EX_EXTRACT, "slot %s: cannot create %s: %s", what, rel, strerror(errno));
  struct stat st;
  if (fstatat(dir, last, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
    die(EX_EXTRACT, "slot %s: refusing directory %s: not a plain directory", what, rel);
  fchmodat(dir, last, (mode & SAFE_MODE_MASK) | 0700, 0);
  close(dir);
  free(rel);
}

static void make_link(int root_fd, const char *name, const char *target, int hard, const char *what) {
  char *rel = safe_relpath(name);
  if (!rel) die(EX_EXTRACT, "slot %s: refusing tar entry \"%s\" (escapes the target)", what, name);
  char *hard_rel = hard ? safe_relpath(target) : NULL;
  if (hard ? !hard_rel : !link_stays_inside(rel, target))
    die(EX_EXTRACT, "slot %s: refusing link %s -> %s (points outside the target)", what, rel, target);
  const char *last;
  int dir = open_parent(root_fd, rel, &last);
  if (unlinkat(dir, last, 0) != 0 && errno != ENOENT) die(EX_EXTRACT, "slot %s: cannot replace %s", what, rel);
  int rc = hard ? linkat(root_fd, hard_rel, dir, last, 0) : symlinkat(target, dir, last);
  if (rc != 0) die(EX_EXTRACT, "slot %s: cannot create link %s: %s", what, rel, strerror(errno));
  close(dir);
  free(rel), free(hard_rel);
}

static void skip_bytes(slot_reader *r, uint64_t n) {
  unsigned char buf[4096];
  while (n > 0) {
    size_t want = n < sizeof buf ? (size_t)n : sizeof buf;
    sr_read_full(r, buf, want);
    n -= want;
  }
}

static char *header_name(const unsigned char *h) {
  char name[101], prefix[156];
  memcpy(name, h, 100), name[100] = 0;
  memcpy(prefix, h + 345, 155), prefix[155] = 0;
  return prefix[0] ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
}

/* Handles one member whose header is h; returns 0 at the end-of-archive block. */
static int tar_entry(slot_reader *r, int root_fd, const unsigned char *h, tar_pending *pend) {
  static const unsigned char zero[512];
  if (!memcmp(h, zero, 512)) return 0;
  if (!header_checksum_ok(h)) die(EX_EXTRACT, "slot %s: tar header checksum mismatch", r->what);
  if (memcmp(h + 257, "ustar", 5)) die(EX_EXTRACT, "slot %s: not a ustar archive", r->what);
  uint64_t size = tar_number(h + 124, 12, r->what);
  char type = (char)h[156];
  if (type == 'x' || type == 'g') {
    if (type == 'x') parse_pax(r, size, pend);
    else skip_bytes(r, (size + 511) & ~(uint64_t)511);
    return 1;
  }
  if (type == 'L' || type == 'K') {
    char *v = read_blob(r, size, MAX_PATH_LEN_TAR);
    if (type == 'L') free(pend->path), pend->path = v;
    else free(pend->linkpath), pend->linkpath = v;
    return 1;
  }
  char *name = pend->path ? pend->path : header_name(h);
  char linkbuf[101];
  memcpy(linkbuf, h + 157, 100), linkbuf[100] = 0;
  const char *link = pend->linkpath ? pend->linkpath : linkbuf;
  if (pend->has_size) size = pend->size;
  unsigned mode = (unsigned)tar_number(h + 100, 8, r->what);
  if (type == '0' || type == '\0' || type == '7') {
    copy_to_file(r, name, size, mode, root_fd);
    skip_bytes(r, ((size + 511) & ~(uint64_t)511) - size);
  } else if (type == '5') {
    make_dir(root_fd, name, mode, r->what);
  } else if (type == '2' || type == '1') {
    make_link(root_fd, name, link, type == '1', r->what);
  } else {
    die(EX_EXTRACT, "slot %s: unsupported tar entry type '%c' for %s", r->what, type, name);
  }
  if (type != '0' && type != '\0' && type != '7') skip_bytes(r, (size + 511) & ~(uint64_t)511);
  free(name);
  free(pend->linkpath);
  memset(pend, 0, sizeof *pend);
  return 1;
}

void extract_tar(slot_reader *r, int root_fd) {
  unsigned char h[512];
  tar_pending pend = {0};
  for (;;) {
    sr_read_full(r, h, sizeof h);
    if (!tar_entry(r, root_fd, h, &pend)) break;
  }
}
