/* Unpacks a tar stream (ustar + PAX, GNU long names) below a root directory, safely. */
#ifndef PSPF_TAR_H
#define PSPF_TAR_H

#include "slot-reader.h"

void extract_tar(slot_reader *r, int root_fd);

#endif
