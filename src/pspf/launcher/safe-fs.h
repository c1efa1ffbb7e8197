/* Writing below the extraction root without ever following a symlink or climbing out with "..". */
#ifndef PSPF_SAFE_FS_H
#define PSPF_SAFE_FS_H

#include <stdint.h>

#include "slot-reader.h"

/* Bits a written file or directory may keep: never setuid, setgid, sticky or world-writable. */
#define SAFE_MODE_MASK 0775u

/* Relative, normalised form of a path inside the root ("a/./b" -> "a/b"); NULL if absolute, empty or "..". */
char *safe_relpath(const char *path);

/* Opens (creating with 0700) every directory of rel but the last, refusing symlinks; *last points into rel. */
int open_parent(int root_fd, char *rel, const char **last);

/* Writes exactly size bytes (UINT64_MAX: to the end of the stream) from r to rel (below root_fd) with the given mode (masked by SAFE_MODE_MASK), replacing a previous file. */
void copy_to_file(slot_reader *r, const char *rel, uint64_t size, unsigned mode, int root_fd);

/* Removes rel (relative, no "..") below root_fd; a parent that is missing, not a directory or a symlink means
 * nothing is removed, so a symlink made during setup cannot point the removal outside the root. */
void remove_below(int root_fd, const char *rel);

#endif
