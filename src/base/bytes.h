#pragma once
// Byte views and owned byte buffers used across modules.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sluice {

using byte_view = std::span<const uint8_t>;
using byte_buffer = std::vector<uint8_t>;

inline byte_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(byte_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

} // namespace sluice
