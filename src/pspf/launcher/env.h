/* The child's environment, built in the Rust launcher's order: inherited, runtime.env (pass, unset, map,
 * set), workenv.env, execution.env, FLAVOR_* variables, then PATH with the workenv's bin first. */
#ifndef PSPF_ENV_H
#define PSPF_ENV_H

#include "pspf.h"

/* {workenv}, {package_name}, {version}, {os}, {arch}, {platform} for the given workenv path. */
const char *const *placeholder_table(const pspf_pkg *pkg, const char *workenv);

/* NULL-terminated "K=V" array for execve. */
char **build_child_env(const pspf_pkg *pkg, const char *workenv);

/* Value of name in a "K=V" array, or NULL. */
const char *env_lookup(char *const *envp, const char *name);

#endif
