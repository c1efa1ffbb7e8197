/* The PSPF launcher: verify our own executable as a package, make sure its work environment is extracted,
 * then exec the package's command so its exit code and signals pass straight through. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "env.h"
#include "launcher-cli.h"
#include "pspf.h"
#include "util.h"
#include "workenv.h"

/* Our own executable: /proc/self/exe, or argv[0] when /proc is not mounted (a bare chroot). */
static char *self_path(const char *argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    return xstrdup(buf);
  }
  if (argv0 && strchr(argv0, '/') && realpath(argv0, buf)) return xstrdup(buf);
  die(EX_IO, "cannot locate our own executable: %s", strerror(errno));
}

/* Optional pinning: with COGPACK_PSPF_TRUSTED_KEY=<hex public key>, only that signer is accepted. A pin that
 * is not 64 hex digits is a configuration error, said as such (not "not signed by the trusted key"). */
static void check_pinned_key(const pspf_pkg *pkg) {
  const char *want = getenv("COGPACK_PSPF_TRUSTED_KEY");
  if (!want || !*want) return;
  size_t n = strlen(want);
  if (n != 64 || strspn(want, "0123456789abcdefABCDEF") != 64)
    die(EX_ARGS, "COGPACK_PSPF_TRUSTED_KEY is malformed: expected an Ed25519 public key as 64 hex digits, got %zu characters%s",
        n, strspn(want, "0123456789abcdefABCDEF") == n ? "" : " (not all hex)");
  char have[65];
  for (int i = 0; i < 32; i++) snprintf(have + 2 * i, 3, "%02x", pkg->index[64 + i]);
  if (strcasecmp(have, want) || !pkg->signature_ok) die(EX_VERIFY, "package is not signed by the trusted key");
}

static char **build_argv(const pspf_pkg *pkg, const char *workenv, char **user_args, int n_user, char **envp) {
  const char *command = json_get_str(json_get(pkg->meta, "execution"), "command");
  if (!command || !*command) die(EX_FORMAT, "metadata has no execution.command");
  int argc;
  /* split first, then substitute: a workenv path with spaces stays one argument */
  char **cmd = split_command(command, &argc);
  if (argc == 0) die(EX_FORMAT, "execution.command is empty");
  for (int i = 0; i < argc; i++) cmd[i] = subst_placeholders(cmd[i], placeholder_table(pkg, workenv));
  char **argv = xmalloc(((size_t)argc + (size_t)n_user + 1) * sizeof *argv);
  memcpy(argv, cmd, (size_t)argc * sizeof *argv);
  memcpy(argv + argc, user_args, (size_t)n_user * sizeof *argv);
  argv[argc + n_user] = NULL;
  argv[0] = resolve_executable(cmd[0], env_lookup(envp, "PATH"));
  return argv;
}

int main(int argc, char **argv) {
  pspf_pkg pkg;
  pspf_open(&pkg, self_path(argc > 0 ? argv[0] : NULL));
  check_pinned_key(&pkg);
  const char *cli = getenv("FLAVOR_LAUNCHER_CLI");
  if (cli && *cli && strcmp(cli, "0") && strcmp(cli, "false")) {
    int rc = launcher_cli(&pkg, &argc, &argv);
    if (rc >= 0) return rc;
    unsetenv("FLAVOR_LAUNCHER_CLI"); /* "run": a package the app starts must not see CLI mode */
  }
  workenv_paths w;
  workenv_paths_init(&w, &pkg);
  workenv_ensure(&pkg, &w);
  char **envp = build_child_env(&pkg, w.workenv);
  char **child = build_argv(&pkg, w.workenv, argv + 1, argc > 0 ? argc - 1 : 0, envp);
  close(pkg.fd);
  execve(child[0], child, envp);
  die(EX_EXEC, "cannot execute %s: %s", child[0], strerror(errno));
}
