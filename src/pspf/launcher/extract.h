/* Undoes a slot's operation chain (raw, gzip, tar, tar.gz) into a directory, refusing unsafe tar entries. */
#ifndef PSPF_EXTRACT_H
#define PSPF_EXTRACT_H

#include "pspf.h"

/* Extracts slot i under the directory open as root_fd: TAR slots unpack into the root (member paths carry
 * their own prefix), other slots are written to their metadata target below the root. Dies on failure. */
void extract_slot(const pspf_pkg *pkg, uint32_t i, int root_fd);



#endif
