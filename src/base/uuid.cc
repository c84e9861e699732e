#include "base/uuid.h"

#include <random>

namespace sluice {

std::string uuid::to_base64() const {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve(22);
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t b : bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(acc >> bits) & 0x3f]);
        }
    }
    if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
    return out;
}

uuid uuid::random() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    uuid u;
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = rng();
        for (int j = 0; j < 8; ++j) u.bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    u.bytes[6] = (u.bytes[6] & 0x0f) | 0x40; // version 4
    u.bytes[8] = (u.bytes[8] & 0x3f) | 0x80; // IETF variant
    return u;
}

} // namespace sluice
