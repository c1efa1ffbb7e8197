/* Shared helpers for the PSPF launcher: fatal errors with the spec's exit codes, checked allocation,
 * little-endian reads, paths. Every failure ends the process with one line on stderr. */
#ifndef PSPF_UTIL_H
#define PSPF_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Launcher exit codes (FlavorPack's Rust launcher): the app's own code passes through exec untouched. */
enum {
  EX_PANIC = 101,   /* internal fault */
  EX_FORMAT = 102,  /* not a valid PSPF package */
  EX_EXTRACT = 103, /* slot extraction failed */
  EX_EXEC = 104,    /* the command could not be started */
  EX_ARGS = 105,    /* bad arguments / environment */
  EX_IO = 106,      /* I/O on the package or the cache */
  EX_VERIFY = 107,  /* signature or checksum mismatch */
  EX_NAME = 108     /* the signed package name cannot name a work environment (ours, not the reference's) */
};

__attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...);
/* A directory die() removes before exiting (the extraction in progress); NULL to forget it. */
void die_cleanup(const char *dir);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

uint32_t rd32(const unsigned char *p);
uint64_t rd64(const unsigned char *p);

/* a + b without wrap-around; returns 0 and leaves *out untouched on overflow. */
int add_ok(uint64_t a, uint64_t b, uint64_t *out);

/* Full pread/write loops; return 0 on success, -1 on error (errno set) or short read. */
int pread_full(int fd, void *buf, size_t n, uint64_t off);
int write_full(int fd, const void *buf, size_t n);

int mkdir_p(const char *path, unsigned mode);
int rm_rf(const char *path);
/* Removes name (a file, a symlink itself, or a directory tree) below dirfd without following any symlink. */
int rm_rf_at(int dirfd, const char *name);
char *read_small_file(const char *path, size_t max, size_t *len_out); /* NULL if missing/too big */
int write_file_atomic(const char *path, const void *data, size_t n, unsigned mode);
int path_exists(const char *path);

/* Replace every {name} placeholder in s from the table (pairs: name, value, ..., NULL). */
char *subst_placeholders(const char *s, const char *const *table);

#endif
