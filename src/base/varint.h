#pragma once
// Kafka's variable-length integers: unsigned LEB128 (uvarint) and zig-zag signed varints
// (varint/varlong), as used by compact types, tagged fields and record batch v2 records.
// Decoders never read past `end` and reject over-long encodings.
#include <cstddef>
#include <cstdint>

namespace sluice::varint {

inline constexpr size_t max_len32 = 5;
inline constexpr size_t max_len64 = 10;

constexpr uint32_t zigzag32(int32_t v) noexcept { return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31); }
constexpr uint64_t zigzag64(int64_t v) noexcept { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
constexpr int32_t unzigzag32(uint32_t v) noexcept { return static_cast<int32_t>(v >> 1) ^ -static_cast<int32_t>(v & 1); }
constexpr int64_t unzigzag64(uint64_t v) noexcept { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

constexpr size_t size_u64(uint64_t v) noexcept {
    size_t n = 1;
    while (v >= 0x80) { v >>= 7; ++n; }
    return n;
}
constexpr size_t size_u32(uint32_t v) noexcept { return size_u64(v); }
constexpr size_t size_s32(int32_t v) noexcept { return size_u64(zigzag32(v)); }
constexpr size_t size_s64(int64_t v) noexcept { return size_u64(zigzag64(v)); }

// Writes v at p (which must have room for size_u64(v) bytes); returns the byte count.
inline size_t put_u64(uint8_t* p, uint64_t v) noexcept {
    size_t n = 0;
    while (v >= 0x80) { p[n++] = static_cast<uint8_t>(v | 0x80); v >>= 7; }
    p[n++] = static_cast<uint8_t>(v);
    return n;
}

// Reads an unsigned varint of at most `max_len` bytes from [p, end). Returns the number of
// bytes consumed, or 0 when truncated or too long.
inline size_t get_u64(const uint8_t* p, const uint8_t* end, uint64_t& out, size_t max_len = max_len64) noexcept {
    uint64_t v = 0;
    for (size_t i = 0; i < max_len && p + i < end; ++i) {
        uint8_t b = p[i];
        v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            out = v;
            return i + 1;
        }
    }
    return 0;
}

inline size_t get_u32(const uint8_t* p, const uint8_t* end, uint32_t& out) noexcept {
    uint64_t v = 0;
    size_t n = get_u64(p, end, v, max_len32);
    if (n == 0 || v > UINT32_MAX) return 0;
    out = static_cast<uint32_t>(v);
    return n;
}

inline size_t get_s32(const uint8_t* p, const uint8_t* end, int32_t& out) noexcept {
    uint32_t v = 0;
    size_t n = get_u32(p, end, v);
    if (n) out = unzigzag32(v);
    return n;
}

inline size_t get_s64(const uint8_t* p, const uint8_t* end, int64_t& out) noexcept {
    uint64_t v = 0;
    size_t n = get_u64(p, end, v);
    if (n) out = unzigzag64(v);
    return n;
}

} // namespace sluice::varint
