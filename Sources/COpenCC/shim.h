#ifndef WAGEWATCH_COPENCC_SHIM_H
#define WAGEWATCH_COPENCC_SHIM_H

/* OpenCC's C interface: open a configuration, convert UTF-8, free the result. */
#include <opencc.h>

#endif
