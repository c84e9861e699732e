#pragma once
// Deterministic test inputs for the codec and record batch tests.
#include <random>
#include <string_view>

#include "base/bytes.h"

namespace sluice::protocol::test {

inline byte_buffer random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    byte_buffer out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

// Text-like bytes that compress well but not trivially.
inline byte_buffer compressible_bytes(size_t n, uint32_t seed) {
    static constexpr std::string_view words[] = {"sluice ", "kafka ", "record ", "batch ", "offset ", "topic "};
    std::mt19937 rng(seed);
    byte_buffer out;
    out.reserve(n + 8);
    while (out.size() < n) {
        std::string_view w = words[rng() % 6];
        out.insert(out.end(), w.begin(), w.end());
    }
    out.resize(n);
    return out;
}

} // namespace sluice::protocol::test
