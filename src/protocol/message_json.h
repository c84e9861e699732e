#pragma once
// Renders a generated message as JSON (field names as in schemas/), for tests, tools and
// logs. Uses the generated for_each_field visitor, so it follows the message's version.
#include <cinttypes>
#include <concepts>
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/wire.h"

namespace sluice::protocol {

namespace json_detail {

template <typename T>
concept message_struct = requires(const T& t, int16_t v) { t.size(v); };
template <typename T>
concept strong_value = requires(const T& t) {
    { t.value() } -> std::same_as<typename T::value_type>;
} && std::is_integral_v<typename T::value_type> && !requires(const T& t) { t.has_value(); };

inline void append_escaped(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') { out.push_back('\\'); out.push_back(c); }
        else if (u < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", u); out += buf; }
        else out.push_back(c);
    }
    out.push_back('"');
}

template <typename T>
void append_value(std::string& out, const T& value, int16_t v);

template <typename M>
void append_struct(std::string& out, const M& m, int16_t v) {
    out.push_back('{');
    bool first = true;
    m.for_each_field(v, [&](const field_meta& meta, const auto& value) {
        if (!first) out.push_back(',');
        first = false;
        append_escaped(out, meta.name);
        out.push_back(':');
        append_value(out, value, v);
    });
    out.push_back('}');
}

template <typename T>
void append_value(std::string& out, const T& value, int16_t v) {
    if constexpr (message_struct<T>) {
        append_struct(out, value, v);
    } else if constexpr (std::is_same_v<T, bool>) {
        out += value ? "true" : "false";
    } else if constexpr (std::is_same_v<T, double>) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", value);
        out += buf;
    } else if constexpr (std::is_enum_v<T>) {
        out += std::to_string(static_cast<int64_t>(value));
    } else if constexpr (std::is_integral_v<T>) {
        out += std::to_string(value);
    } else if constexpr (strong_value<T>) {
        out += std::to_string(value.value());
    } else if constexpr (std::is_same_v<T, std::string>) {
        append_escaped(out, value);
    } else if constexpr (std::is_same_v<T, uuid>) {
        append_escaped(out, value.to_base64());
    } else if constexpr (std::is_same_v<T, bytes_value>) {
        static constexpr char hex[] = "0123456789abcdef";
        out.push_back('"');
        for (uint8_t b : value) { out.push_back(hex[b >> 4]); out.push_back(hex[b & 15]); }
        out.push_back('"');
    } else if constexpr (std::is_same_v<T, records_view>) {
        out += "{\"record_bytes\":" + std::to_string(value.data.size()) + "}";
    } else if constexpr (requires { value.has_value(); }) {
        if (value) append_value(out, *value, v);
        else out += "null";
    } else {
        out.push_back('[');
        bool first = true;
        for (const auto& e : value) {
            if (!first) out.push_back(',');
            first = false;
            append_value(out, e, v);
        }
        out.push_back(']');
    }
}

} // namespace json_detail

template <typename M>
std::string message_to_json(const M& m, int16_t version) {
    std::string out;
    json_detail::append_struct(out, m, version);
    return out;
}

} // namespace sluice::protocol
