/* The work environment cache: where a package is extracted, when that extraction can be reused, and the
 * lock that makes concurrent first runs safe. Layout and variables follow the PSPF spec (Rust launcher). */
#ifndef PSPF_WORKENV_H
#define PSPF_WORKENV_H

#include "pspf.h"

typedef struct {
  char *root;     /* cache root */
  char *workenv;  /* <root>/workenv/<name> */
  char *meta;     /* <root>/workenv/.<name>.pspf */
  char *instance; /* <meta>/instance */
} workenv_paths;

void workenv_paths_init(workenv_paths *w, const char *package_path);

/* Verifies the slots (skipped only when this exact file was verified before) and extracts them unless a
 * valid cache exists. Returns 1 if this run extracted. Dies on any failure. */
int workenv_ensure(const pspf_pkg *pkg, const workenv_paths *w);

#endif
