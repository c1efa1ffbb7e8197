/* The metadata's one-time setup: workenv.directories and setup_commands, run in the extraction directory. */
#ifndef PSPF_SETUP_H
#define PSPF_SETUP_H

#include "pspf.h"

/* dir is the temporary extraction directory ({workenv} during setup); log_path collects command output. */
void run_setup(const pspf_pkg *pkg, const char *dir, const char *log_path);

#endif
