#pragma once
// json_writer: builds one JSON text in a string (the `--format json` output). Strings are
// escaped per RFC 8259; record keys and values are arbitrary bytes, so invalid UTF-8 is
// replaced by U+FFFD rather than producing text a JSON parser would reject.
//
// The writer only tracks commas; the caller nests begin/end calls correctly.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

class json_writer {
public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    // The name of the next member of the enclosing object.
    json_writer& key(std::string_view name);
    json_writer& value(std::string_view text);
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(int64_t number);
    json_writer& boolean(bool flag);
    json_writer& null();

    const std::string& text() const noexcept { return _out; }

private:
    // Writes the comma a value needs when it is not the first in its array or object.
    void separate();

    std::string _out;
    std::vector<bool> _has_elements; // per open array/object
    bool _after_key = false;
};

} // namespace sluice::cli
