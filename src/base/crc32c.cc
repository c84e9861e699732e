#include "base/crc32c.h"

#include <array>
#include <climits>

#include <isa-l/crc.h>

namespace sluice {

namespace {

constexpr uint32_t castagnoli_reflected = 0x82F63B78;

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? castagnoli_reflected : 0);
        table[i] = crc;
    }
    return table;
}

constexpr std::array<uint32_t, 256> table = make_table();

} // namespace

uint32_t crc32c(byte_view data, uint32_t seed) noexcept {
    // isa-l's crc32_iscsi neither inverts its initial value nor its result; the standard
    // CRC does both. Inverting the seed on the way in and the result on the way out makes
    // the seed a finished CRC, which is what makes incremental computation compose.
    uint32_t crc = ~seed;
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
        // crc32_iscsi takes an int length: feed buffers over 2 GiB in pieces.
        int n = left > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(left);
        crc = crc32_iscsi(const_cast<unsigned char*>(p), n, crc);
        p += n;
        left -= static_cast<size_t>(n);
    }
    return ~crc;
}

uint32_t crc32c_table(byte_view data, uint32_t seed) noexcept {
    uint32_t crc = ~seed;
    for (uint8_t b : data) crc = (crc >> 8) ^ table[(crc ^ b) & 0xff];
    return ~crc;
}

} // namespace sluice
