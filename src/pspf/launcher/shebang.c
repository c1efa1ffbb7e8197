/* Rewrites "#!" lines in bin/ that were written (by setup commands) with the temporary extraction path. */
#define _GNU_SOURCE
#include "shebang.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define MAX_SCRIPT (1u << 20)

static void fix_one(const char *path, const char *from, const char *to) {
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_SCRIPT) return;
  size_t len;
  char *body = read_small_file(path, MAX_SCRIPT, &len);
  if (!body || strncmp(body, "#!", 2) || memchr(body, 0, len)) return free(body);
  char *nl = memchr(body, '\n', len);
  size_t line_len = nl ? (size_t)(nl - body) : len;
  char *line = xstrndup(body, line_len), *hit = strstr(line, from);
  if (!hit) return free(line), free(body);
  char *fixed = xasprintf("%.*s%s%s%s", (int)(hit - line), line, to, hit + strlen(from), body + line_len);
  write_file_atomic(path, fixed, strlen(fixed), st.st_mode & 07777);
  free(fixed), free(line), free(body);
}

void fix_shebangs(const char *bin_dir, const char *from, const char *to) {
  DIR *d = opendir(bin_dir);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = xasprintf("%s/%s", bin_dir, e->d_name);
    fix_one(p, from, to);
    free(p);
  }
  if (d) closedir(d);
}
