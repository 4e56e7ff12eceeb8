#ifndef WAGEWATCH_CPREFETCH_H
#define WAGEWATCH_CPREFETCH_H

/// Asks the CPU to bring the cache line at `address` in for a read soon. Swift has no
/// prefetch of its own; the scorer uses this to load the records of many matches at
/// once instead of waiting for each in turn. A hint only: any address is safe.
static inline void wagewatch_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
