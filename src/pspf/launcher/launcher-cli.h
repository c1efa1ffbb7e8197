/* FLAVOR_LAUNCHER_CLI=1 ./pkg.psp info|verify|metadata|run ARGS…: inspect a package with nothing else installed. */
#ifndef PSPF_LAUNCHER_CLI_H
#define PSPF_LAUNCHER_CLI_H

#include "pspf.h"

/* Returns an exit status for info/verify/metadata/help, or -1 for "run" (args shifted past it). */
int launcher_cli(const pspf_pkg *pkg, int *argc, char ***argv);

#endif
