#pragma once
// Big-endian loads and stores (Kafka's byte order) on unaligned memory.
#include <bit>
#include <cstdint>
#include <cstring>

namespace sluice::be {

template <typename T>
inline T load(const uint8_t* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        using U = std::make_unsigned_t<T>;
        if constexpr (sizeof(T) == 2) v = static_cast<T>(__builtin_bswap16(static_cast<U>(v)));
        else if constexpr (sizeof(T) == 4) v = static_cast<T>(__builtin_bswap32(static_cast<U>(v)));
        else v = static_cast<T>(__builtin_bswap64(static_cast<U>(v)));
    }
    return v;
}

template <typename T>
inline void store(uint8_t* p, T v) noexcept {
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        using U = std::make_unsigned_t<T>;
        if constexpr (sizeof(T) == 2) v = static_cast<T>(__builtin_bswap16(static_cast<U>(v)));
        else if constexpr (sizeof(T) == 4) v = static_cast<T>(__builtin_bswap32(static_cast<U>(v)));
        else v = static_cast<T>(__builtin_bswap64(static_cast<U>(v)));
    }
    std::memcpy(p, &v, sizeof v);
}

} // namespace sluice::be
