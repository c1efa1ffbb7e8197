/* The work environment cache: paths, validity, the verified-file stamp, the extraction lock and the
 * extraction itself (into tmp/<pid>, then renamed into place). */
#define _GNU_SOURCE
#include "workenv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "extract.h"
#include "safe-fs.h"
#include "setup.h"
#include "shebang.h"
#include "util.h"

#define LOCK_WAIT_SECONDS 600

static const char *nonempty_env(const char *k) {
  const char *v = getenv(k);
  return v && *v ? v : NULL;
}

static char *cache_root(void) {
  const char *v;
  if ((v = nonempty_env("FLAVOR_WORKENV"))) { /* the override's grandparent, as in the reference */
    char *c = xstrdup(v), *s;
    for (int i = 0; i < 2 && (s = strrchr(c, '/')) && s != c; i++) *s = 0;
    return c;
  }
  if ((v = nonempty_env("FLAVOR_CACHE"))) return xstrdup(v);
  if ((v = nonempty_env("XDG_CACHE_HOME"))) return xasprintf("%s/flavor", v);
  if ((v = nonempty_env("HOME"))) return xasprintf("%s/.cache/flavor", v);
  return xasprintf("%s/flavor", nonempty_env("TMPDIR") ? nonempty_env("TMPDIR") : "/tmp");
}

/* The signed name becomes a directory next to every other package's: one path component of letters, digits,
 * ".", "_", "+" and "-", starting with a letter, digit or "_" (so never ".", "..", a hidden name such as the
 * ".x.pspf" bookkeeping directories, or an option-like "-x"). Returns why it is unsafe, or NULL. */
static const char *unsafe_name_reason(const char *name) {
  size_t n = strlen(name);
  if (n == 0) return "it is empty";
  if (n > WORKENV_NAME_MAX) return "it is longer than 128 bytes";
  if (name[0] == '.' || name[0] == '-' || name[0] == '+') return "it starts with \".\", \"-\" or \"+\"";
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._+-", *c)))
      return "only letters, digits, \".\", \"_\", \"+\" and \"-\" may appear in it";
  return NULL;
}

/* The name as one printable line: other bytes as \xNN, cut with "..." when it does not fit. */
static void printable(const char *name, char *out, size_t cap) {
  size_t o = 0;
  out[0] = 0;
  for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
    int plain = *c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\';
    if (o + (plain ? 1 : 4) + 4 > cap) {
      strcpy(out + o, "...");
      return;
    }
    o += (size_t)snprintf(out + o, cap - o, plain ? "%c" : "\\x%02x", *c);
  }
}

/* The key is <signed package name>-<first 16 hex digits of SHA-256(signed metadata JSON)>, read only after
 * pspf_open checked the signature: the file name plays no part (a package renamed "..psp" lands where it
 * always does), and two different packages never share a directory, even under the same name (the metadata
 * holds every slot's checksum). FlavorPack keys by the file name; see src/pspf/README.md. */
void workenv_paths_init(workenv_paths *w, const pspf_pkg *pkg) {
  const char *why = unsafe_name_reason(pkg->name);
  if (why) {
    char shown[80];
    printable(pkg->name, shown, sizeof shown);
    die(EX_NAME, "package name \"%s\" cannot name a work environment: %s", shown, why);
  }
  unsigned char digest[32];
  crypto_hash_sha256(digest, (const unsigned char *)pkg->json, pkg->json_len);
  char hex[17];
  for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  w->key = xasprintf("%s-%s", pkg->name, hex);
  w->root = cache_root();
  w->workenv = xasprintf("%s/workenv/%s", w->root, w->key);
  w->meta = xasprintf("%s/workenv/.%s.pspf", w->root, w->key);
  w->instance = xasprintf("%s/instance", w->meta);
}

static int cache_valid(const pspf_pkg *pkg, const workenv_paths *w) {
  const char *use = getenv("FLAVOR_WORKENV_CACHE");
  if (use && (!strcasecmp(use, "false") || !strcmp(use, "0"))) return 0;
  char *complete = xasprintf("%s/extract/complete", w->instance), *sum_path = xasprintf("%s/package.checksum", w->instance);
  char want[16];
  snprintf(want, sizeof want, "%08x", pkg->index_checksum);
  char *sum = path_exists(complete) ? read_small_file(sum_path, 64, NULL) : NULL;
  int ok = sum && !strcmp(sum, want) && path_exists(w->workenv);
  free(complete), free(sum_path), free(sum);
  return ok;
}

/* Identity of the package file whose slots were hashed: any later change to it moves mtime/ctime. */
static char *file_stamp(const pspf_pkg *pkg) {
  const struct stat *s = &pkg->st;
  return xasprintf("%llu %llu %llu %lld.%09ld %lld.%09ld %08x\n", (unsigned long long)s->st_dev,
                   (unsigned long long)s->st_ino, (unsigned long long)s->st_size, (long long)s->st_mtim.tv_sec,
                   s->st_mtim.tv_nsec, (long long)s->st_ctim.tv_sec, s->st_ctim.tv_nsec, pkg->index_checksum);
}

static void record_verified(const pspf_pkg *pkg, const workenv_paths *w) {
  char *path = xasprintf("%s/verified", w->instance), *stamp = file_stamp(pkg);
  if (mkdir_p(w->instance, 0700) == 0) write_file_atomic(path, stamp, strlen(stamp), 0600);
  free(path), free(stamp);
}

static int verified_before(const pspf_pkg *pkg, const workenv_paths *w) {
  char *path = xasprintf("%s/verified", w->instance), *stamp = file_stamp(pkg);
  char *got = read_small_file(path, 256, NULL);
  int ok = got && !strcmp(got, stamp);
  free(path), free(stamp), free(got);
  return ok;
}

static int take_lock(const workenv_paths *w) {
  char *dir = xasprintf("%s/extract", w->instance), *path = xasprintf("%s/lock", dir);
  if (mkdir_p(dir, 0700) != 0) die(EX_IO, "cannot create %s: %s", dir, strerror(errno));
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) die(EX_IO, "cannot open lock %s: %s", path, strerror(errno));
  for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited++) {
    if (errno != EWOULDBLOCK && errno != EINTR) die(EX_IO, "cannot lock %s: %s", path, strerror(errno));
    if (waited == 0) note("waiting for another process to finish extracting");
    if (waited >= LOCK_WAIT_SECONDS * 20) die(EX_IO, "timed out waiting for the extraction lock %s", path);
    nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
  }
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  if (ftruncate(fd, 0) == 0) write_full(fd, pid, (size_t)n);
  free(dir), free(path);
  return fd;
}

/* Removes tmp/<pid> directories left by extractions whose process is gone. */
static void clean_stale_tmp(const char *tmp_root) {
  DIR *d = opendir(tmp_root);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *proc = xasprintf("/proc/%s", e->d_name), *p = xasprintf("%s/%s", tmp_root, e->d_name);
    if (!path_exists(proc) || atoi(e->d_name) == (int)getpid()) rm_rf(p);
    free(proc), free(p);
  }
  if (d) closedir(d);
}

/* Moves each top-level entry of tmp into the workenv, replacing what was there. */
static void move_into_place(const char *tmp, const char *workenv) {
  if (mkdir_p(workenv, 0700) != 0) die(EX_IO, "cannot create %s: %s", workenv, strerror(errno));
  DIR *d = opendir(tmp);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *from = xasprintf("%s/%s", tmp, e->d_name), *to = xasprintf("%s/%s", workenv, e->d_name);
    if (rm_rf(to) != 0 || rename(from, to) != 0) die(EX_IO, "cannot move %s into the workenv: %s", e->d_name, strerror(errno));
    free(from), free(to);
  }
  if (d) closedir(d);
}

static void write_marker(const char *path, const char *body) {
  if (write_file_atomic(path, body, strlen(body), 0600) != 0) die(EX_IO, "cannot write %s: %s", path, strerror(errno));
}

static void write_instance_files(const pspf_pkg *pkg, const workenv_paths *w) {
  const unsigned char *ix = pkg->index;
  char *index_json = xasprintf(
      "{\n  \"format_version\": %u,\n  \"index_checksum\": %u,\n  \"package_size\": %llu,\n  \"launcher_size\": %llu,\n"
      "  \"metadata_offset\": %llu,\n  \"metadata_size\": %llu,\n  \"slot_table_offset\": %llu,\n  \"slot_count\": %u\n}\n",
      rd32(ix), pkg->index_checksum, (unsigned long long)rd64(ix + 8), (unsigned long long)rd64(ix + 16),
      (unsigned long long)rd64(ix + 24), (unsigned long long)rd64(ix + 32), (unsigned long long)rd64(ix + 40),
      pkg->slot_count);
  char *pid = xasprintf("%d", (int)getpid()), sum[16];
  snprintf(sum, sizeof sum, "%08x", pkg->index_checksum);
  write_marker(xasprintf("%s/index.json", w->instance), index_json);
  write_marker(xasprintf("%s/extract/complete", w->instance), pid);
  write_marker(xasprintf("%s/package.checksum", w->instance), sum);
}

/* init-lifecycle slots exist only for setup; the reference deletes them afterwards. Only a target that
 * names something strictly inside the extraction directory is removed, and never through a symlink. */
static void drop_init_slots(const pspf_pkg *pkg, const char *tmp) {
  int root_fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0) die(EX_IO, "cannot open %s: %s", tmp, strerror(errno));
  for (uint32_t i = 0; i < pkg->slot_count; i++) {
    const pspf_slot *s = &pkg->slots[i];
    if (strcmp(s->lifecycle, "init") || strncmp(s->target, "{workenv}/", 10)) continue;
    remove_below(root_fd, s->target + 10);
  }
  close(root_fd);
}

static void extract_all(const pspf_pkg *pkg, const workenv_paths *w) {
  char *tmp_root = xasprintf("%s/tmp", w->meta), *tmp = xasprintf("%s/%d", tmp_root, (int)getpid());
  clean_stale_tmp(tmp_root);
  if (mkdir_p(tmp, 0700) != 0) die(EX_IO, "cannot create %s: %s", tmp, strerror(errno));
  die_cleanup(tmp); /* any failure from here on removes the partial extraction */
  unlink(xasprintf("%s/extract/complete", w->instance));
  unlink(xasprintf("%s/package.checksum", w->instance));
  int root_fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) die(EX_IO, "cannot open %s: %s", tmp, strerror(errno));
  for (uint32_t i = 0; i < pkg->slot_count; i++) {
    fprintf(stderr, "[%u/%u] Extracting %s...\n", i + 1, pkg->slot_count, pkg->slots[i].id);
    extract_slot(pkg, i, root_fd);
  }
  close(root_fd);
  char *pkg_dir = xasprintf("%s/package", w->meta);
  if (mkdir_p(pkg_dir, 0700) == 0) write_marker(xasprintf("%s/psp.json", pkg_dir), pkg->json);
  run_setup(pkg, tmp, xasprintf("%s/setup.log", w->meta));
  drop_init_slots(pkg, tmp);
  move_into_place(tmp, w->workenv);
  fix_shebangs(xasprintf("%s/bin", w->workenv), tmp, w->workenv);
  die_cleanup(NULL);
  rm_rf(tmp);
  rmdir(tmp_root); /* only if no other extraction is using it */
  write_instance_files(pkg, w);
}

int workenv_ensure(const pspf_pkg *pkg, const workenv_paths *w) {
  if (cache_valid(pkg, w)) {
    if (!verified_before(pkg, w)) {
      pspf_verify_slots(pkg);
      record_verified(pkg, w);
    }
    return 0;
  }
  pspf_verify_slots(pkg); /* before a single byte is extracted */
  if (mkdir_p(w->meta, 0700) != 0) die(EX_IO, "cannot create the cache %s: %s", w->meta, strerror(errno));
  int lock = take_lock(w);
  int extracted = 0;
  if (!cache_valid(pkg, w)) { /* another process may have finished while we waited */
    extract_all(pkg, w);
    extracted = 1;
  }
  record_verified(pkg, w);
  close(lock);
  return extracted;
}
