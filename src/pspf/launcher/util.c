/* Shared helpers for the PSPF launcher: fatal errors, checked allocation, LE reads and small file ops. */
#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *cleanup_dir;

void die_cleanup(const char *dir) { cleanup_dir = dir; }

void die(int code, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  /* one line, whatever the message carried */
  for (char *c = line; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' ';
  fprintf(stderr, "pspf-launcher: %s\n", line);
  /* a failed extraction leaves nothing behind: the partial tmp/<pid> tree goes (a failure inside rm_rf
   * itself must not recurse here, hence the pointer is cleared first) */
  const char *dir = cleanup_dir;
  cleanup_dir = NULL;
  if (dir) rm_rf(dir);
  _exit(code);
}

void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("pspf-launcher: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die(EX_PANIC, "out of memory (%zu bytes)", n);
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die(EX_PANIC, "out of memory (%zu bytes)", n);
  return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0) die(EX_PANIC, "out of memory");
  return s;
}

uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

int add_ok(uint64_t a, uint64_t b, uint64_t *out) {
  if (a > UINT64_MAX - b) return 0;
  *out = a + b;
  return 1;
}

int pread_full(int fd, void *buf, size_t n, uint64_t off) {
  unsigned char *p = buf;
  while (n > 0) {
    ssize_t r = pread(fd, p, n, (off_t)off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = EIO;
      return -1;
    }
    p += r, n -= (size_t)r, off += (uint64_t)r;
  }
  return 0;
}

int write_full(int fd, const void *buf, size_t n) {
  const unsigned char *p = buf;
  while (n > 0) {
    ssize_t r = write(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r, n -= (size_t)r;
  }
  return 0;
}

int mkdir_p(const char *path, unsigned mode) {
  char *tmp = xstrdup(path);
  for (char *c = tmp + 1; *c; c++) {
    if (*c != '/') continue;
    *c = 0;
    if (mkdir(tmp, mode) != 0 && errno != EEXIST) return free(tmp), -1;
    *c = '/';
  }
  int r = mkdir(tmp, mode);
  free(tmp);
  return r != 0 && errno != EEXIST ? -1 : 0;
}

int rm_rf_at(int dirfd, const char *name) {
  if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return -1;
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  DIR *d = fdopendir(fd);
  if (!d) return close(fd), -1;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (rm_rf_at(fd, e->d_name) != 0) rc = -1;
  }
  closedir(d);
  if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) rc = -1;
  return rc;
}

int rm_rf(const char *path) { return rm_rf_at(AT_FDCWD, path); }

char *read_small_file(const char *path, size_t max, size_t *len_out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  char *buf = xmalloc(max + 1);
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, max + 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
    if (len > max) break;
  }
  close(fd);
  if (len > max) return free(buf), NULL;
  buf[len] = 0;
  if (len_out) *len_out = len;
  return buf;
}

int write_file_atomic(const char *path, const void *data, size_t n, unsigned mode) {
  char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return free(tmp), -1;
  int rc = write_full(fd, data, n);
  if (close(fd) != 0) rc = -1;
  if (rc == 0) rc = rename(tmp, path);
  if (rc != 0) unlink(tmp);
  free(tmp);
  return rc;
}

int path_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

char *subst_placeholders(const char *s, const char *const *table) {
  size_t cap = strlen(s) + 64, len = 0;
  char *out = xmalloc(cap);
  while (*s) {
    const char *val = NULL;
    size_t klen = 0;
    if (*s == '{') {
      for (const char *const *t = table; *t; t += 2) {
        size_t n = strlen(t[0]);
        if (!strncmp(s + 1, t[0], n) && s[1 + n] == '}') {
          val = t[1], klen = n + 2;
          break;
        }
      }
    }
    const char *piece = val ? val : s;
    size_t plen = val ? strlen(val) : 1;
    if (len + plen + 1 > cap) {
      cap = (len + plen + 1) * 2;
      out = xrealloc(out, cap);
    }
    memcpy(out + len, piece, plen);
    len += plen;
    s += val ? klen : 1;
  }
  out[len] = 0;
  return out;
}
