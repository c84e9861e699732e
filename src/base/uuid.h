#pragma once
// A 128-bit UUID as Kafka sends it: 16 bytes, most significant first.
#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace sluice {

struct uuid {
    std::array<uint8_t, 16> bytes{};

    constexpr bool is_zero() const noexcept {
        for (auto b : bytes)
            if (b != 0) return false;
        return true;
    }
    constexpr auto operator<=>(const uuid&) const = default;

    // Kafka prints topic ids in URL-safe base64 without padding (22 characters).
    std::string to_base64() const;
    static uuid random();
};

} // namespace sluice
