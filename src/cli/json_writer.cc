#include "cli/json_writer.h"

#include <fmt/format.h>

namespace sluice::cli {

namespace {

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence_length(std::string_view s) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!continuation(1) || !continuation(2)) return 0;
        if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
        if (lead == 0xED && byte(1) >= 0xA0) return 0; // UTF-16 surrogate
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
        if (lead == 0xF0 && byte(1) < 0x90) return 0; // overlong
        if (lead == 0xF4 && byte(1) >= 0x90) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    while (!text.empty()) {
        const char c = text.front();
        const size_t length = utf8_sequence_length(text);
        if (length == 0) {
            out += "\\ufffd";
            text.remove_prefix(1);
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
            } else {
                out.append(text.substr(0, length));
            }
        }
        text.remove_prefix(length);
    }
    out.push_back('"');
}

void json_writer::separate() {
    if (_after_key) {
        _after_key = false;
        return;
    }
    if (_has_elements.empty()) return;
    if (_has_elements.back()) _out.push_back(',');
    _has_elements.back() = true;
}

json_writer& json_writer::begin_object() {
    separate();
    _out.push_back('{');
    _has_elements.push_back(false);
    return *this;
}

json_writer& json_writer::end_object() {
    _out.push_back('}');
    _has_elements.pop_back();
    return *this;
}

json_writer& json_writer::begin_array() {
    separate();
    _out.push_back('[');
    _has_elements.push_back(false);
    return *this;
}

json_writer& json_writer::end_array() {
    _out.push_back(']');
    _has_elements.pop_back();
    return *this;
}

json_writer& json_writer::key(std::string_view name) {
    separate();
    append_json_string(_out, name);
    _out.push_back(':');
    _after_key = true;
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    separate();
    append_json_string(_out, text);
    return *this;
}

json_writer& json_writer::value(int64_t number) {
    separate();
    fmt::format_to(std::back_inserter(_out), "{}", number);
    return *this;
}

json_writer& json_writer::boolean(bool flag) {
    separate();
    _out += flag ? "true" : "false";
    return *this;
}

json_writer& json_writer::null() {
    separate();
    _out += "null";
    return *this;
}

} // namespace sluice::cli
