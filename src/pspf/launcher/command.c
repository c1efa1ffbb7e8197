/* Turning a metadata command string into argv and running it (setup commands) with the child env. */
#define _GNU_SOURCE
#include "command.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

char **split_command(const char *cmd, int *argc_out) {
  size_t len = strlen(cmd), n = 0;
  char **argv = xmalloc((len / 2 + 2) * sizeof *argv); /* at most one word per two characters, plus one */
  char *cur = xmalloc(len + 1);
  size_t cl = 0;
  int in_s = 0, in_d = 0, has = 0;
  for (const char *p = cmd; *p; p++) {
    char c = *p;
    if (c == '\'' && !in_d) in_s = !in_s, has = 1;
    else if (c == '"' && !in_s) in_d = !in_d, has = 1;
    else if (c == '\\' && in_d && p[1]) cur[cl++] = *++p;
    else if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && !in_s && !in_d) {
      if (cl || has) cur[cl] = 0, argv[n++] = xstrdup(cur);
      cl = 0, has = 0;
    } else {
      cur[cl++] = c;
    }
  }
  if (cl || has) cur[cl] = 0, argv[n++] = xstrdup(cur);
  argv[n] = NULL;
  free(cur);
  if (argc_out) *argc_out = (int)n;
  return argv;
}

static char *search_path(const char *name, const char *path) {
  if (!path) return NULL;
  const char *p = path;
  while (1) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name) : xasprintf("./%s", name);
    if (access(cand, X_OK) == 0) return cand;
    free(cand);
    if (!e) return NULL;
    p = e + 1;
  }
}

char *resolve_executable(const char *argv0, const char *path) {
  if (strchr(argv0, '/')) {
    if (access(argv0, X_OK) == 0) return xstrdup(argv0);
    char *found = search_path(strrchr(argv0, '/') + 1, path);
    return found ? found : xstrdup(argv0);
  }
  char *found = search_path(argv0, path);
  return found ? found : xstrdup(argv0);
}

int run_command(char **argv, char **envp, int log_fd) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (log_fd >= 0) dup2(log_fd, 1), dup2(log_fd, 2);
    execve(argv[0], argv, envp);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
