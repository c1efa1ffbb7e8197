/* Writing below the extraction root with *at() calls that never follow a symlink, so nothing lands outside it. */
#define _GNU_SOURCE
#include "safe-fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MAX_PATH_LEN 4096

char *safe_relpath(const char *path) {
  if (!path || path[0] == '/' || strlen(path) > MAX_PATH_LEN) return NULL;
  char *out = xmalloc(strlen(path) + 1), *o = out;
  const char *p = path;
  while (*p) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && !strncmp(p, "..", 2)) return free(out), NULL;
    if (n && !(n == 1 && *p == '.')) {
      if (o != out) *o++ = '/';
      memcpy(o, p, n), o += n;
    }
    p += n + (e ? 1 : 0);
  }
  *o = 0;
  if (o == out) return free(out), NULL;
  return out;
}

/* Opens (creating with 0700 if needed) every directory of rel except the last component, refusing symlinks.
 * Returns the parent's fd and points *last at the final component inside rel. */
int open_parent(int root_fd, char *rel, const char **last) {
  int fd = dup(root_fd);
  char *p = rel;
  for (char *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
    *slash = 0;
    int made = mkdirat(fd, p, 0700) == 0 || errno == EEXIST, err = errno;
    int next = made ? openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (next < 0 && made) err = errno;
    *slash = '/';
    if (!made) die(EX_EXTRACT, "cannot create a directory for %s: %s", rel, strerror(err));
    if (next < 0) die(EX_EXTRACT, "refusing path %s: a parent is not a plain directory (%s)", rel, strerror(err));
    close(fd);
    fd = next;
  }
  *last = p;
  return fd;
}

void copy_to_file(slot_reader *r, const char *rel_in, uint64_t size, unsigned mode, int root_fd) {
  char *rel = safe_relpath(rel_in);
  if (!rel) die(EX_EXTRACT, "refusing unsafe path \"%s\" in slot %s", rel_in, r->what);
  const char *last;
  int dir = open_parent(root_fd, rel, &last);
  if (unlinkat(dir, last, 0) != 0 && errno != ENOENT) die(EX_EXTRACT, "cannot replace %s: %s", rel, strerror(errno));
  int fd = openat(dir, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) die(EX_EXTRACT, "cannot create %s: %s", rel, strerror(errno));
  unsigned char buf[64 * 1024];
  for (uint64_t done = 0; done < size;) {
    size_t want = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
    size_t got = sr_read(r, buf, want);
    if (got == 0 && size == UINT64_MAX) break; /* "to the end of the stream" */
    if (got == 0) die(EX_EXTRACT, "slot %s: data is truncated at %s", r->what, rel);
    if (write_full(fd, buf, got) != 0) die(EX_IO, "cannot write %s: %s", rel, strerror(errno));
    done += got;
  }
  if (fchmod(fd, mode & SAFE_MODE_MASK) != 0 || close(fd) != 0) die(EX_IO, "cannot finish %s: %s", rel, strerror(errno));
  close(dir);
  free(rel);
}


void remove_below(int root_fd, const char *rel_in) {
  char *rel = safe_relpath(rel_in);
  if (!rel) return;
  int fd = dup(root_fd);
  char *p = rel;
  for (char *slash; fd >= 0 && (slash = strchr(p, '/')) != NULL; p = slash + 1) {
    *slash = 0;
    int next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); /* a symlinked parent: nothing */
    close(fd);
    fd = next;
  }
  if (fd >= 0) {
    rm_rf_at(fd, p);
    close(fd);
  }
  free(rel);
}
