// The target's one function is inline, in include/CMemory.h.
#include "CMemory.h"
