#pragma once
// CRC-32C (Castagnoli): the checksum of record batch v2 and of our own on-disk formats.
#include <cstdint>

#include "base/bytes.h"

namespace sluice {

// The standard CRC-32C of `data` (reflected, init 0xFFFFFFFF, final xor 0xFFFFFFFF), so
// crc32c("123456789") == 0xE3069283. `seed` is the CRC of the bytes before `data`:
// crc32c(b, crc32c(a)) == crc32c(a ++ b), and the default 0 starts a new checksum.
// Hardware-accelerated through isa-l.
uint32_t crc32c(byte_view data, uint32_t seed = 0) noexcept;

// The same function, one byte at a time from a table: slow and obviously correct. It is the
// oracle the tests and benchmarks compare crc32c() against.
uint32_t crc32c_table(byte_view data, uint32_t seed = 0) noexcept;

} // namespace sluice
