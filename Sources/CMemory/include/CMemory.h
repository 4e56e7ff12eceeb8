#ifndef WAGEWATCH_CMEMORY_H
#define WAGEWATCH_CMEMORY_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/// Gives the operating system back the memory the allocator kept after a large job
/// freed it (glibc keeps freed pages in its arenas). A long-running watch or web
/// process calls this after each register, so that it does not keep the largest
/// register's worth of memory. Does nothing where glibc's malloc_trim is missing.
static inline void wagewatch_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

#endif
