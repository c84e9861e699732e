#pragma once
// A strong typedef: a value of type T that does not mix with other strong types or with T
// unless converted explicitly. Used for ids and units (offset, partition_id, node_id, ...).
#include <compare>
#include <cstdint>
#include <functional>

namespace sluice {

template <typename T, typename Tag>
class strong_type {
public:
    using value_type = T;
    constexpr strong_type() = default;
    constexpr explicit strong_type(T v) noexcept : _value(v) {}
    constexpr T value() const noexcept { return _value; }
    constexpr explicit operator T() const noexcept { return _value; }
    constexpr auto operator<=>(const strong_type&) const = default;

private:
    T _value{};
};

} // namespace sluice

template <typename T, typename Tag>
struct std::hash<sluice::strong_type<T, Tag>> {
    size_t operator()(sluice::strong_type<T, Tag> v) const noexcept { return std::hash<T>{}(v.value()); }
};
