/* The work environment cache: where a package is extracted, when that extraction can be reused, and the
 * lock that makes concurrent first runs safe. Layout and variables follow the PSPF spec (Rust launcher). */
#ifndef PSPF_WORKENV_H
#define PSPF_WORKENV_H

#include "pspf.h"

#define WORKENV_NAME_MAX 128

typedef struct {
  char *key;      /* <name>-<16 hex digits of the signed metadata's SHA-256> */
  char *root;     /* cache root */
  char *workenv;  /* <root>/workenv/<key> */
  char *meta;     /* <root>/workenv/.<key>.pspf */
  char *instance; /* <meta>/instance */
} workenv_paths;

/* Derives the key from the verified package's signed name and metadata; dies (EX_NAME) on an unsafe name. */
void workenv_paths_init(workenv_paths *w, const pspf_pkg *pkg);

/* Verifies the slots (skipped only when this exact file was verified before) and extracts them unless a
 * valid cache exists. Returns 1 if this run extracted. Dies on any failure. */
int workenv_ensure(const pspf_pkg *pkg, const workenv_paths *w);

#endif
