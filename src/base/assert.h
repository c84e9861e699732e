#pragma once
// Assertions that stay on in release builds: for invariants whose violation means
// corruption (offsets monotonic, CRC checked before append). Crash loudly.
#include <cstdio>
#include <cstdlib>

#define SLUICE_ASSERT(cond, msg)                                                              \
    do {                                                                                      \
        if (!(cond)) [[unlikely]] {                                                           \
            std::fprintf(stderr, "%s:%d: assertion failed: %s: %s\n", __FILE__, __LINE__, #cond, \
                         msg);                                                                \
            std::abort();                                                                     \
        }                                                                                     \
    } while (0)
