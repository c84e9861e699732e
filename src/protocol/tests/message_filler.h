#pragma once
// Test support: fills a generated message with random values for every field present in a
// version (using the generated for_each_field), so round trips cover every field.
#include <concepts>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "protocol/wire.h"

namespace sluice::protocol::testing {

class message_filler {
public:
    message_filler(uint64_t seed, int16_t version) : _rng(seed), _version(version) {}

    template <typename M>
    void fill(M& m) {
        m.for_each_field(_version, [this](const field_meta& meta, auto& value) { fill_value(value, meta.nullable, 0); });
    }

private:
    template <typename T>
    static constexpr bool strong_integer = requires(const T& t) {
        typename T::value_type;
        requires std::is_integral_v<typename T::value_type>;
        { t.value() } -> std::same_as<typename T::value_type>;
    };
    template <typename T>
    static constexpr bool is_struct = requires(const T& t, int16_t v) { t.size(v); };

    template <typename T>
    void fill_value(T& x, bool nullable, int depth) {
        if constexpr (is_struct<T>) {
            x.for_each_field(_version, [this, depth](const field_meta& meta, auto& value) {
                fill_value(value, meta.nullable, depth + 1);
            });
        } else if constexpr (requires { x.has_value(); x.emplace(); }) {
            if (nullable && pick(4) == 0) {
                x.reset();
            } else {
                fill_value(x.emplace(), false, depth);
            }
        } else if constexpr (std::is_same_v<T, bool>) {
            x = pick(2) == 1;
        } else if constexpr (std::is_same_v<T, double>) {
            x = static_cast<double>(static_cast<int64_t>(_rng())) / 7.0;
        } else if constexpr (std::is_enum_v<T>) {
            x = static_cast<T>(static_cast<int16_t>(pick(130)) - 1);
        } else if constexpr (std::is_integral_v<T>) {
            x = static_cast<T>(_rng());
        } else if constexpr (strong_integer<T>) {
            x = T{static_cast<typename T::value_type>(_rng())};
        } else if constexpr (std::is_same_v<T, std::string>) {
            x.clear();
            size_t n = pick(12);
            for (size_t i = 0; i < n; ++i) x.push_back(static_cast<char>('a' + pick(26)));
        } else if constexpr (std::is_same_v<T, uuid>) {
            for (auto& b : x.bytes) b = static_cast<uint8_t>(_rng());
        } else if constexpr (std::is_same_v<T, bytes_value>) {
            x.resize(pick(20));
            for (auto& b : x) b = static_cast<uint8_t>(_rng());
        } else if constexpr (std::is_same_v<T, records_view>) {
            auto& buf = _storage.emplace_back(std::make_unique<bytes_value>(pick(64)));
            for (auto& b : *buf) b = static_cast<uint8_t>(_rng());
            x.data = byte_view(buf->data(), buf->size());
        } else {
            // std::vector<E>: a few elements; fewer when nested deeply
            x.clear();
            size_t n = depth > 3 ? pick(2) : pick(4);
            x.resize(n);
            for (auto& e : x) fill_value(e, false, depth + 1);
        }
    }

    size_t pick(size_t n) { return static_cast<size_t>(_rng() % n); }

    std::mt19937_64 _rng;
    int16_t _version;
    std::vector<std::unique_ptr<bytes_value>> _storage; // backs records views
};

} // namespace sluice::protocol::testing
