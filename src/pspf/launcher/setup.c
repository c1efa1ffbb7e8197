/* The one-time setup after extraction: workenv.directories, then setup_commands of the four spec types. */
#define _GNU_SOURCE
#include "setup.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "env.h"
#include "safe-fs.h"
#include "util.h"

typedef struct {
  const pspf_pkg *pkg;
  const char *dir, *log_path;
  const char *const *table;
  char **envp;
  int log_fd;
} setup_ctx;

/* Runs cmd (split, then placeholders substituted per argument) with an optional extra last argument. */
static void run_one(setup_ctx *c, const char *cmd, const char *extra) {
  int argc;
  char **parts = split_command(cmd, &argc); /* split before substituting, as for the main command */
  if (argc == 0) return;
  char **argv = xmalloc(((size_t)argc + 2) * sizeof *argv);
  for (int i = 0; i < argc; i++) argv[i] = subst_placeholders(parts[i], c->table);
  argv[argc] = (char *)extra, argv[argc + 1] = NULL;
  argv[0] = resolve_executable(argv[0], env_lookup(c->envp, "PATH"));
  int rc = run_command(argv, c->envp, c->log_fd);
  if (rc != 0) die(EX_EXTRACT, "setup command \"%s\" failed with status %d (output in %s)", cmd, rc, c->log_path);
}

static void enumerate(setup_ctx *c, const jval *cmd) {
  const char *base = json_get_str(cmd, "command");
  const jval *en = json_get(cmd, "enumerate");
  const char *path = json_get_str(en, "path"), *pattern = json_get_str(en, "pattern");
  if (!base || !path || !pattern) die(EX_FORMAT, "enumerate_and_execute needs command and enumerate.{path,pattern}");
  char *pat = xasprintf("%s/%s", subst_placeholders(path, c->table), pattern);
  glob_t g;
  if (glob(pat, 0, NULL, &g) == 0) /* glob sorts its matches */
    for (size_t i = 0; i < g.gl_pathc; i++) run_one(c, base, g.gl_pathv[i]);
  globfree(&g);
}

static void write_one(setup_ctx *c, const jval *cmd) {
  const char *path = json_get_str(cmd, "path"), *content = json_get_str(cmd, "content");
  if (!path || !content) die(EX_FORMAT, "write_file needs path and content");
  char *p = subst_placeholders(path, c->table), *body = subst_placeholders(content, c->table);
  char *slash = strrchr(p, '/');
  if (slash && slash != p) {
    *slash = 0;
    mkdir_p(p, 0700);
    *slash = '/';
  }
  if (write_file_atomic(p, body, strlen(body), 0644) != 0) die(EX_EXTRACT, "setup write_file %s: %s", p, strerror(errno));
}

static void chmod_one(setup_ctx *c, const jval *cmd) {
  const char *path = json_get_str(cmd, "path"), *mode_s = json_get_str(cmd, "mode");
  if (!path) die(EX_FORMAT, "chmod needs a path");
  char *end;
  unsigned long mode = strtoul(mode_s ? mode_s : "700", &end, 8);
  if (*end || mode > 07777) mode = 0700;
  mode &= SAFE_MODE_MASK; /* as for slot files: never setuid, setgid, sticky or world-writable */
  glob_t g;
  if (glob(subst_placeholders(path, c->table), GLOB_NOCHECK, NULL, &g) != 0) return;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    struct stat st;
    if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) chmod(g.gl_pathv[i], (mode_t)mode);
  }
  globfree(&g);
}

static void make_directories(setup_ctx *c) {
  const jval *dirs = json_get(json_get(c->pkg->meta, "workenv"), "directories");
  for (size_t i = 0; dirs && dirs->t == J_ARR && i < dirs->n; i++) {
    const char *path = json_get_str(dirs->items[i], "path"), *mode_s = json_get_str(dirs->items[i], "mode");
    if (!path) continue;
    char *p = subst_placeholders(path, c->table), *end;
    unsigned long mode = strtoul(mode_s ? mode_s : "0700", &end, 8);
    if (*end || mode > 0777) mode = 0700;
    mode &= SAFE_MODE_MASK;
    if (mkdir_p(p, 0700) != 0 || chmod(p, (mode_t)mode) != 0) die(EX_EXTRACT, "cannot create workenv directory %s", p);
  }
}

void run_setup(const pspf_pkg *pkg, const char *dir, const char *log_path) {
  setup_ctx c = {pkg, dir, log_path, placeholder_table(pkg, dir), NULL, -1};
  make_directories(&c);
  const jval *cmds = json_get(pkg->meta, "setup_commands");
  if (!cmds || cmds->t != J_ARR || cmds->n == 0) return;
  c.envp = build_child_env(pkg, dir);
  c.log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  for (size_t i = 0; i < cmds->n; i++) {
    const jval *cmd = cmds->items[i];
    const char *type = json_get_str(cmd, "type");
    if (!type) die(EX_FORMAT, "setup command %zu has no type", i);
    if (!strcmp(type, "execute")) {
      const char *line = json_get_str(cmd, "command");
      if (!line) die(EX_FORMAT, "execute setup command %zu has no command", i);
      run_one(&c, line, NULL);
    } else if (!strcmp(type, "enumerate_and_execute")) enumerate(&c, cmd);
    else if (!strcmp(type, "write_file")) write_one(&c, cmd);
    else if (!strcmp(type, "chmod")) chmod_one(&c, cmd);
    else die(EX_FORMAT, "unknown setup command type \"%s\"", type);
  }
  if (c.log_fd >= 0) close(c.log_fd);
}
