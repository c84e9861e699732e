#pragma once
// Kafka wire primitives: a bounds-checked reader over a receive buffer and an appending
// writer. Generated message code (build/generated/protocol/generated/*) is written against
// these two classes only.
//
// The reader has a sticky failure flag: once a read runs past the end or meets a malformed
// length, every later read returns a zero value and the decode reports failure. No read ever
// allocates more than the bytes that remain in the buffer (lengths are checked before use).
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/endian.h"
#include "base/ids.h"
#include "base/uuid.h"
#include "base/varint.h"
#include "protocol/error_code.h"

namespace sluice::protocol {

using bytes_value = std::vector<uint8_t>;

// A `records` field: a view into the buffer the message was decoded from (zero-copy). The
// buffer must outlive the view. Equality compares contents.
//
// Writing only: a view may instead stand for `external_size` bytes that the writer does not
// copy (a Fetch response's record bytes, sent with sendfile from a segment file). The writer
// writes the length prefix and records a `splice` (where the bytes belong, which external
// part) for whoever sends the message; `external_id` is the sender's own number for the part.
struct records_view {
    byte_view data;
    uint64_t external_size = 0; // > 0: bytes not in `data`, spliced in when sent
    uint32_t external_id = 0;
    size_t size() const noexcept { return external_size > 0 ? external_size : data.size(); }
    bool operator==(const records_view& o) const noexcept {
        return data.size() == o.data.size() && external_size == o.external_size && external_id == o.external_id &&
               (data.empty() || std::memcmp(data.data(), o.data.data(), data.size()) == 0);
    }
};

// Where external record bytes go in a written message: at byte `position` of the output,
// `size` bytes of the sender's part `external_id`.
struct splice {
    size_t position;
    uint64_t size;
    uint32_t external_id;
};

// A tagged field this build does not know; kept so that re-encoding preserves it.
struct tagged_field {
    uint32_t tag = 0;
    bytes_value data;
    bool operator==(const tagged_field&) const = default;
};
using tagged_fields = std::vector<tagged_field>;

// What a field visitor (for_each_field) learns about a field in one version.
struct field_meta {
    const char* name;
    bool nullable; // null is a valid value in this version
    bool tagged;
};

class reader {
public:
    explicit reader(byte_view buf) noexcept : _p(buf.data()), _end(buf.data() + buf.size()) {}

    bool failed() const noexcept { return _failed; }
    void fail() noexcept { _failed = true; _p = _end; }
    size_t remaining() const noexcept { return static_cast<size_t>(_end - _p); }
    const uint8_t* position() const noexcept { return _p; }

    template <typename T>
    T read_fixed() noexcept {
        if (remaining() < sizeof(T)) [[unlikely]] { fail(); return T{}; }
        T v = be::load<T>(_p);
        _p += sizeof(T);
        return v;
    }
    int8_t read_int8() noexcept { return read_fixed<int8_t>(); }
    int16_t read_int16() noexcept { return read_fixed<int16_t>(); }
    int32_t read_int32() noexcept { return read_fixed<int32_t>(); }
    int64_t read_int64() noexcept { return read_fixed<int64_t>(); }
    uint16_t read_uint16() noexcept { return read_fixed<uint16_t>(); }
    uint32_t read_uint32() noexcept { return read_fixed<uint32_t>(); }
    bool read_bool() noexcept { return read_fixed<int8_t>() != 0; }
    double read_float64() noexcept;
    uuid read_uuid() noexcept;
    uint32_t read_uvarint() noexcept;
    int32_t read_varint() noexcept;
    int64_t read_varlong() noexcept;

    // Takes n bytes as a view; fails (and returns an empty view) when fewer remain.
    byte_view take(size_t n) noexcept;

    void read_string(std::string& out, bool flexible) noexcept;
    void read_nullable_string(std::optional<std::string>& out, bool flexible, bool null_ok) noexcept;
    void read_bytes(bytes_value& out, bool flexible) noexcept;
    void read_nullable_bytes(std::optional<bytes_value>& out, bool flexible, bool null_ok) noexcept;
    void read_records(records_view& out, bool flexible) noexcept;
    void read_nullable_records(std::optional<records_view>& out, bool flexible, bool null_ok) noexcept;

    // An array's element count: -1 for null. Fails when the count is below -1 or larger than
    // the bytes remaining (every element takes at least one byte), so callers may reserve.
    int32_t read_array_length(bool flexible) noexcept;
    // A nullable struct's presence byte (-1 null, 1 present).
    bool read_struct_presence() noexcept;

    // Reads a tagged-field section. `known(tag, reader&)` decodes a known tag from a reader
    // bounded to that field's bytes and returns false for a tag it does not know; unknown
    // tags are kept in `unknown`. Tags must be strictly increasing.
    template <typename F>
    void read_tagged_fields(F&& known, tagged_fields& unknown) noexcept {
        uint32_t count = read_uvarint();
        if (count > remaining()) { fail(); return; }
        int64_t last = -1;
        for (uint32_t i = 0; i < count && !_failed; ++i) {
            uint32_t tag = read_uvarint();
            uint32_t size = read_uvarint();
            if (_failed || static_cast<int64_t>(tag) <= last) { fail(); return; }
            last = tag;
            byte_view data = take(size);
            if (_failed) return;
            reader sub(data);
            if (known(tag, sub)) {
                if (sub.failed()) { fail(); return; }
            } else {
                unknown.push_back(tagged_field{tag, bytes_value(data.begin(), data.end())});
            }
        }
    }

private:
    uint32_t read_length(bool flexible, bool wide, bool& is_null) noexcept;
    template <typename Assign>
    bool read_prefixed(bool flexible, bool wide, bool null_ok, Assign&& assign) noexcept;

    const uint8_t* _p;
    const uint8_t* _end;
    bool _failed = false;
};

class writer {
public:
    explicit writer(bytes_value& out) noexcept : _out(out) {}
    // External records (records_view::external_size) are recorded in `splices`; without it
    // writing one is a logic error.
    writer(bytes_value& out, std::vector<splice>& splices) noexcept : _out(out), _splices(&splices) {}

    template <typename T>
    void write_fixed(T v) {
        size_t at = _out.size();
        _out.resize(at + sizeof(T));
        be::store<T>(_out.data() + at, v);
    }
    void write_int8(int8_t v) { write_fixed(v); }
    void write_int16(int16_t v) { write_fixed(v); }
    void write_int32(int32_t v) { write_fixed(v); }
    void write_int64(int64_t v) { write_fixed(v); }
    void write_uint16(uint16_t v) { write_fixed(v); }
    void write_uint32(uint32_t v) { write_fixed(v); }
    void write_bool(bool v) { write_fixed<int8_t>(v ? 1 : 0); }
    void write_float64(double v);
    void write_uuid(const uuid& v) { write_raw(byte_view(v.bytes.data(), v.bytes.size())); }
    void write_uvarint(uint32_t v);
    void write_varint(int32_t v) { write_uvarint64(varint::zigzag32(v)); }
    void write_varlong(int64_t v) { write_uvarint64(varint::zigzag64(v)); }
    void write_uvarint64(uint64_t v);
    void write_raw(byte_view b) { _out.insert(_out.end(), b.begin(), b.end()); }

    void write_string(const std::string& s, bool flexible);
    void write_nullable_string(const std::optional<std::string>& s, bool flexible);
    void write_bytes(const bytes_value& b, bool flexible);
    void write_nullable_bytes(const std::optional<bytes_value>& b, bool flexible);
    void write_records(const records_view& r, bool flexible);
    void write_nullable_records(const std::optional<records_view>& r, bool flexible);
    void write_array_length(int32_t n, bool flexible); // -1: null
    void write_struct_presence(bool present) { write_int8(present ? 1 : -1); }

    // Writes unknown[i...] whose tag is below `tag` (all of them for UINT32_MAX+1); returns
    // the next index. Known and unknown tags interleave in ascending order.
    size_t write_unknown_tags_before(const tagged_fields& unknown, size_t i, uint64_t tag);

    size_t size() const noexcept { return _out.size(); }
    bytes_value& buffer() noexcept { return _out; }

private:
    bytes_value& _out;
    std::vector<splice>* _splices = nullptr;
};

// Encoded sizes, mirroring writer.
namespace wire_size {
inline size_t uvarint(uint64_t v) noexcept { return varint::size_u64(v); }
inline size_t length_prefix(size_t n, bool flexible, bool wide) noexcept {
    return flexible ? uvarint(n + 1) : (wide ? 4 : 2);
}
inline size_t string(const std::string& s, bool flexible) noexcept { return length_prefix(s.size(), flexible, false) + s.size(); }
inline size_t nullable_string(const std::optional<std::string>& s, bool flexible) noexcept {
    return s ? string(*s, flexible) : (flexible ? 1 : 2);
}
inline size_t bytes(const bytes_value& b, bool flexible) noexcept { return length_prefix(b.size(), flexible, true) + b.size(); }
inline size_t nullable_bytes(const std::optional<bytes_value>& b, bool flexible) noexcept {
    return b ? bytes(*b, flexible) : (flexible ? 1 : 4);
}
inline size_t records(const records_view& r, bool flexible) noexcept { return length_prefix(r.size(), flexible, true) + r.size(); }
inline size_t nullable_records(const std::optional<records_view>& r, bool flexible) noexcept {
    return r ? records(*r, flexible) : (flexible ? 1 : 4);
}
inline size_t array_length(size_t n, bool flexible) noexcept { return flexible ? uvarint(n + 1) : 4; }
inline size_t tagged_field(uint32_t tag, size_t size) noexcept { return uvarint(tag) + uvarint(size) + size; }
size_t unknown_tags(const tagged_fields& unknown) noexcept;
} // namespace wire_size

} // namespace sluice::protocol
