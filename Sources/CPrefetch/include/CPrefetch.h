#ifndef WAGEWATCH_CPREFETCH_H
#define WAGEWATCH_CPREFETCH_H

/// Asks the CPU to bring the cache line at `address` in for a read soon. Swift has no
/// prefetch of its own; the scorer uses this to load the records of many matches at
/// once instead of waiting for each in turn. A hint only: any address is safe.
static inline void wagewatch_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Asks for the heap storage of the Swift `String` at `string` (not the two words of
/// the value itself, which the caller has in cache): what a copy of the string will
/// touch first, its reference count. On 64-bit platforms the second word of a String
/// holds the storage object's address under four flag bits; a small string (flag bit
/// 61) keeps its text in the two words and has no storage. Wrong guesses cost nothing:
/// a prefetch never faults.
static inline void wagewatch_prefetch_string(const void *string) {
    unsigned long long object = ((const unsigned long long *)string)[1];
    if (object & (1ULL << 61)) return;
    __builtin_prefetch((const void *)(object & 0x0FFFFFFFFFFFFFFFULL), 1, 3);
}

#endif
