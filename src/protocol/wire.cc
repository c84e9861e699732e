#include "protocol/wire.h"

#include <bit>
#include <limits>

#include "base/assert.h"

namespace sluice::protocol {

double reader::read_float64() noexcept { return std::bit_cast<double>(read_fixed<uint64_t>()); }

uuid reader::read_uuid() noexcept {
    uuid u;
    byte_view b = take(16);
    if (!_failed) std::memcpy(u.bytes.data(), b.data(), 16);
    return u;
}

uint32_t reader::read_uvarint() noexcept {
    uint32_t v = 0;
    size_t n = varint::get_u32(_p, _end, v);
    if (n == 0) { fail(); return 0; }
    _p += n;
    return v;
}

int32_t reader::read_varint() noexcept {
    int32_t v = 0;
    size_t n = varint::get_s32(_p, _end, v);
    if (n == 0) { fail(); return 0; }
    _p += n;
    return v;
}

int64_t reader::read_varlong() noexcept {
    int64_t v = 0;
    size_t n = varint::get_s64(_p, _end, v);
    if (n == 0) { fail(); return 0; }
    _p += n;
    return v;
}

byte_view reader::take(size_t n) noexcept {
    if (n > remaining()) { fail(); return {}; }
    byte_view v(_p, n);
    _p += n;
    return v;
}

// A length prefix: compact (uvarint of n+1, 0 = null) or classic int16/int32 (-1 = null).
uint32_t reader::read_length(bool flexible, bool wide, bool& is_null) noexcept {
    is_null = false;
    int64_t n;
    if (flexible) {
        n = static_cast<int64_t>(read_uvarint()) - 1;
    } else {
        n = wide ? read_int32() : read_int16();
    }
    if (_failed) return 0;
    if (n == -1) { is_null = true; return 0; }
    if (n < 0 || static_cast<uint64_t>(n) > remaining()) { fail(); return 0; }
    return static_cast<uint32_t>(n);
}

// Reads a length-prefixed value and hands its bytes to `assign`; false for null (which fails
// the reader unless null_ok).
template <typename Assign>
bool reader::read_prefixed(bool flexible, bool wide, bool null_ok, Assign&& assign) noexcept {
    bool is_null;
    uint32_t n = read_length(flexible, wide, is_null);
    if (is_null) {
        if (!null_ok) fail();
        return false;
    }
    assign(take(n));
    return true;
}

void reader::read_string(std::string& out, bool flexible) noexcept {
    read_prefixed(flexible, false, false, [&](byte_view b) { out.assign(as_chars(b)); });
}

void reader::read_nullable_string(std::optional<std::string>& out, bool flexible, bool null_ok) noexcept {
    if (!read_prefixed(flexible, false, null_ok, [&](byte_view b) { out.emplace(as_chars(b)); })) out.reset();
}

void reader::read_bytes(bytes_value& out, bool flexible) noexcept {
    read_prefixed(flexible, true, false, [&](byte_view b) { out.assign(b.begin(), b.end()); });
}

void reader::read_nullable_bytes(std::optional<bytes_value>& out, bool flexible, bool null_ok) noexcept {
    if (!read_prefixed(flexible, true, null_ok, [&](byte_view b) { out.emplace(b.begin(), b.end()); })) out.reset();
}

void reader::read_records(records_view& out, bool flexible) noexcept {
    read_prefixed(flexible, true, false, [&](byte_view b) { out.data = b; });
}

void reader::read_nullable_records(std::optional<records_view>& out, bool flexible, bool null_ok) noexcept {
    if (!read_prefixed(flexible, true, null_ok, [&](byte_view b) { out.emplace(records_view{b}); })) out.reset();
}

int32_t reader::read_array_length(bool flexible) noexcept {
    int64_t n = flexible ? static_cast<int64_t>(read_uvarint()) - 1 : read_int32();
    if (_failed) return 0;
    if (n < -1 || n > static_cast<int64_t>(remaining())) { fail(); return 0; }
    return static_cast<int32_t>(n);
}

bool reader::read_struct_presence() noexcept {
    int8_t b = read_int8();
    if (b != -1 && b != 1) fail();
    return b == 1;
}

void writer::write_float64(double v) { write_fixed(std::bit_cast<uint64_t>(v)); }

void writer::write_uvarint(uint32_t v) { write_uvarint64(v); }

void writer::write_uvarint64(uint64_t v) {
    uint8_t tmp[varint::max_len64];
    size_t n = varint::put_u64(tmp, v);
    _out.insert(_out.end(), tmp, tmp + n);
}

void writer::write_string(const std::string& s, bool flexible) {
    if (flexible) write_uvarint(static_cast<uint32_t>(s.size() + 1));
    else write_int16(static_cast<int16_t>(s.size()));
    write_raw(as_bytes(s));
}

void writer::write_nullable_string(const std::optional<std::string>& s, bool flexible) {
    if (s) return write_string(*s, flexible);
    if (flexible) write_uvarint(0);
    else write_int16(-1);
}

void writer::write_bytes(const bytes_value& b, bool flexible) {
    if (flexible) write_uvarint(static_cast<uint32_t>(b.size() + 1));
    else write_int32(static_cast<int32_t>(b.size()));
    write_raw(b);
}

void writer::write_nullable_bytes(const std::optional<bytes_value>& b, bool flexible) {
    if (b) return write_bytes(*b, flexible);
    if (flexible) write_uvarint(0);
    else write_int32(-1);
}

void writer::write_records(const records_view& r, bool flexible) {
    if (flexible) write_uvarint(static_cast<uint32_t>(r.size() + 1));
    else write_int32(static_cast<int32_t>(r.size()));
    if (r.external_size == 0) return write_raw(r.data);
    SLUICE_ASSERT(_splices != nullptr, "external records written without a splice list");
    _splices->push_back(splice{_out.size(), r.external_size, r.external_id});
}

void writer::write_nullable_records(const std::optional<records_view>& r, bool flexible) {
    if (r) return write_records(*r, flexible);
    if (flexible) write_uvarint(0);
    else write_int32(-1);
}

void writer::write_array_length(int32_t n, bool flexible) {
    if (flexible) write_uvarint(static_cast<uint32_t>(n + 1));
    else write_int32(n);
}

size_t writer::write_unknown_tags_before(const tagged_fields& unknown, size_t i, uint64_t tag) {
    for (; i < unknown.size() && unknown[i].tag < tag; ++i) {
        write_uvarint(unknown[i].tag);
        write_uvarint(static_cast<uint32_t>(unknown[i].data.size()));
        write_raw(unknown[i].data);
    }
    return i;
}

size_t wire_size::unknown_tags(const tagged_fields& unknown) noexcept {
    size_t n = 0;
    for (const auto& t : unknown) n += tagged_field(t.tag, t.data.size());
    return n;
}

} // namespace sluice::protocol
