#include "protocol/record_reader.h"

#include "base/varint.h"

namespace sluice::protocol {

namespace {

// A cursor over [p, end) whose reads fail instead of running past `end`.
struct cursor {
    const uint8_t* p;
    const uint8_t* end;

    size_t left() const noexcept { return static_cast<size_t>(end - p); }

    bool read_s32(int32_t& out) noexcept {
        size_t n = varint::get_s32(p, end, out);
        p += n;
        return n != 0;
    }
    bool read_s64(int64_t& out) noexcept {
        size_t n = varint::get_s64(p, end, out);
        p += n;
        return n != 0;
    }
    bool read_bytes(size_t n, byte_view& out) noexcept {
        if (n > left()) return false;
        out = byte_view(p, n);
        p += n;
        return true;
    }
    // A varint length then that many bytes; length -1 is null, other negatives are errors.
    bool read_nullable(std::optional<byte_view>& out) noexcept {
        int32_t length = 0;
        if (!read_s32(length) || length < -1) return false;
        if (length == -1) {
            out.reset();
            return true;
        }
        byte_view bytes;
        if (!read_bytes(static_cast<size_t>(length), bytes)) return false;
        out = bytes;
        return true;
    }
    bool read_header(record_header_view& out) noexcept {
        int32_t key_length = 0;
        // Kafka: "Invalid negative header key size": header keys are never null.
        if (!read_s32(key_length) || key_length < 0) return false;
        return read_bytes(static_cast<size_t>(key_length), out.key) && read_nullable(out.value);
    }
};

bool parse_body(cursor c, record_view& out) noexcept {
    if (c.left() < 1) return false;
    out.attributes = static_cast<int8_t>(*c.p++);
    if (!c.read_s64(out.timestamp_delta) || !c.read_s32(out.offset_delta)) return false;
    if (!c.read_nullable(out.key) || !c.read_nullable(out.value)) return false;
    if (!c.read_s32(out.headers_count) || out.headers_count < 0) return false;
    const uint8_t* headers_start = c.p;
    record_header_view header;
    // Each header takes at least two bytes, so a forged count ends with the body.
    for (int32_t i = 0; i < out.headers_count; ++i)
        if (!c.read_header(header)) return false;
    out.headers_bytes = byte_view(headers_start, static_cast<size_t>(c.p - headers_start));
    // Kafka: the record must fill exactly the length it declared.
    return c.p == c.end;
}

} // namespace

bool header_reader::next(record_header_view& out) noexcept {
    if (_left <= 0) return false;
    cursor c{_bytes.data() + _pos, _bytes.data() + _bytes.size()};
    if (!c.read_header(out)) {
        _left = 0;
        return false;
    }
    _pos = static_cast<size_t>(c.p - _bytes.data());
    --_left;
    return true;
}

bool record_reader::next(record_view& out) noexcept {
    if (_error != batch_error::none || at_end()) return false;
    cursor c{_bytes.data() + _pos, _bytes.data() + _bytes.size()};
    int32_t length = 0;
    if (!c.read_s32(length) || length < 0 || static_cast<size_t>(length) > c.left() ||
        !parse_body(cursor{c.p, c.p + length}, out)) {
        _error = batch_error::invalid_record;
        return false;
    }
    size_t end = static_cast<size_t>(c.p - _bytes.data()) + static_cast<size_t>(length);
    out.size_bytes = end - _pos;
    _pos = end;
    return true;
}

records_open_result open_records(record_batch_view batch, size_t decompressed_bytes_max, byte_buffer& scratch) {
    compression_type type = batch.compression();
    if (type == compression_type::none) return {batch_error::none, record_reader(batch.records_bytes())};
    if (static_cast<uint8_t>(type) > compression_type_max) return {batch_error::bad_attributes, {}};
    switch (decompress_into(type, batch.records_bytes(), decompressed_bytes_max, scratch)) {
    case codec_error::none: return {batch_error::none, record_reader(scratch)};
    case codec_error::too_large: return {batch_error::too_large, {}};
    default: return {batch_error::decompression_failed, {}};
    }
}

int64_t record_timestamp(record_batch_view batch, const record_view& record) noexcept {
    if (batch.ts_type() == timestamp_type::log_append_time) return batch.max_timestamp();
    return static_cast<int64_t>(static_cast<uint64_t>(batch.base_timestamp()) +
                                static_cast<uint64_t>(record.timestamp_delta));
}

model::offset record_offset(record_batch_view batch, const record_view& record) noexcept {
    return model::offset(static_cast<int64_t>(static_cast<uint64_t>(batch.base_offset().value()) +
                                              static_cast<uint64_t>(static_cast<int64_t>(record.offset_delta))));
}

} // namespace sluice::protocol
