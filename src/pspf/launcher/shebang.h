/* Rewrites "#!" lines in the workenv's bin/ that still name the temporary extraction directory. */
#ifndef PSPF_SHEBANG_H
#define PSPF_SHEBANG_H

void fix_shebangs(const char *bin_dir, const char *from, const char *to);

#endif
