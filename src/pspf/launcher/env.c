/* Builds the child's environment from the metadata's env operations, in the Rust launcher's order. */
#define _GNU_SOURCE
#include "env.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

extern char **environ;

typedef struct {
  char **v;
  size_t n, cap;
} envlist;

static size_t key_len(const char *kv) {
  const char *eq = strchr(kv, '=');
  return eq ? (size_t)(eq - kv) : strlen(kv);
}

static long env_find(const envlist *e, const char *k) {
  size_t kl = strlen(k);
  for (size_t i = 0; i < e->n; i++)
    if (key_len(e->v[i]) == kl && !strncmp(e->v[i], k, kl)) return (long)i;
  return -1;
}

static const char *env_get(const envlist *e, const char *k) {
  long i = env_find(e, k);
  return i < 0 ? NULL : e->v[i] + strlen(k) + 1;
}

static void env_set(envlist *e, const char *k, const char *val) {
  char *kv = xasprintf("%s=%s", k, val);
  long i = env_find(e, k);
  if (i >= 0) {
    e->v[i] = kv;
    return;
  }
  if (e->n + 2 > e->cap) {
    e->cap = e->cap ? e->cap * 2 : 64;
    e->v = xrealloc(e->v, e->cap * sizeof *e->v);
  }
  e->v[e->n++] = kv;
  e->v[e->n] = NULL;
}

static void env_remove_at(envlist *e, size_t i) {
  memmove(e->v + i, e->v + i + 1, (e->n - i) * sizeof *e->v); /* includes the NULL */
  e->n--;
}

static int matches_any(const jval *patterns, const char *name) {
  for (size_t i = 0; patterns && patterns->t == J_ARR && i < patterns->n; i++) {
    const char *p = json_str(patterns->items[i]);
    if (p && fnmatch(p, name, 0) == 0) return 1;
  }
  return 0;
}

/* runtime.env: pass names/globs are preserved; unset removes the rest that match; map renames; set assigns. */
static void apply_runtime_env(envlist *e, const jval *renv) {
  const jval *pass = json_get(renv, "pass"), *unset = json_get(renv, "unset");
  const jval *map = json_get(renv, "map"), *set = json_get(renv, "set");
  for (size_t u = 0; unset && unset->t == J_ARR && u < unset->n; u++) {
    const char *pat = json_str(unset->items[u]);
    if (!pat) continue;
    for (size_t i = 0; i < e->n;) {
      char *name = xstrndup(e->v[i], key_len(e->v[i]));
      int drop = fnmatch(pat, name, 0) == 0 && !matches_any(pass, name);
      free(name);
      if (drop) env_remove_at(e, i);
      else i++;
    }
  }
  for (size_t m = 0; map && map->t == J_OBJ && m < map->n; m++) {
    const char *old = map->keys[m], *to = json_str(map->items[m]), *val = env_get(e, old);
    if (!to || !val || matches_any(pass, old)) continue;
    char *copy = xstrdup(val);
    env_remove_at(e, (size_t)env_find(e, old));
    env_set(e, to, copy);
  }
  for (size_t s = 0; set && set->t == J_OBJ && s < set->n; s++) {
    const char *val = json_str(set->items[s]);
    if (val) env_set(e, set->keys[s], val); /* literal: no placeholders */
  }
}

const char *const *placeholder_table(const pspf_pkg *pkg, const char *workenv) {
  const char **t = xmalloc(13 * sizeof *t);
  const char *init[] = {"workenv", workenv, "package_name", pkg->name, "version", pkg->version, "os", "linux",
                        "arch", "amd64", "platform", "linux_amd64", NULL};
  memcpy(t, init, sizeof init);
  return t;
}

char **build_child_env(const pspf_pkg *pkg, const char *workenv) {
  envlist e = {0};
  for (char **p = environ; p && *p; p++)
    if (strchr(*p, '=')) {
      char *k = xstrndup(*p, key_len(*p));
      env_set(&e, k, strchr(*p, '=') + 1);
      free(k);
    }
  if (!env_get(&e, "FLAVOR_CACHE") && env_get(&e, "HOME"))
    env_set(&e, "FLAVOR_CACHE", xasprintf("%s/.cache/flavor/workenv", env_get(&e, "HOME")));
  apply_runtime_env(&e, json_get(json_get(pkg->meta, "runtime"), "env"));
  const char *const *table = placeholder_table(pkg, workenv);
  const jval *wenv = json_get(json_get(pkg->meta, "workenv"), "env");
  for (size_t i = 0; wenv && wenv->t == J_OBJ && i < wenv->n; i++) {
    const char *val = json_str(wenv->items[i]);
    if (!val || (!strcmp(wenv->keys[i], "FLAVOR_CACHE") && env_get(&e, "FLAVOR_CACHE"))) continue;
    env_set(&e, wenv->keys[i], subst_placeholders(val, table));
  }
  const jval *xenv = json_get(json_get(pkg->meta, "execution"), "env");
  for (size_t i = 0; xenv && xenv->t == J_OBJ && i < xenv->n; i++)
    if (json_str(xenv->items[i])) env_set(&e, xenv->keys[i], json_str(xenv->items[i]));
  const char *base = strrchr(pkg->path, '/');
  env_set(&e, "FLAVOR_WORKENV", workenv);
  env_set(&e, "FLAVOR_COMMAND_NAME", base ? base + 1 : pkg->path);
  env_set(&e, "FLAVOR_ORIGINAL_COMMAND", pkg->path);
  const char *path = env_get(&e, "PATH");
  env_set(&e, "PATH", path && *path ? xasprintf("%s/bin:%s", workenv, path) : xasprintf("%s/bin", workenv));
  return e.v;
}

const char *env_lookup(char *const *envp, const char *name) {
  size_t n = strlen(name);
  for (; envp && *envp; envp++)
    if (!strncmp(*envp, name, n) && (*envp)[n] == '=') return *envp + n + 1;
  return NULL;
}
