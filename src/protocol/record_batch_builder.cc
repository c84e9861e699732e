#include "protocol/record_batch_builder.h"

#include <cstring>

#include "base/crc32c.h"
#include "base/varint.h"

namespace sluice::protocol {

namespace {

class record_writer {
public:
    explicit record_writer(byte_buffer& out) noexcept : _out(out) {}

    void s32(int32_t v) { u64(varint::zigzag32(v)); }
    void s64(int64_t v) { u64(varint::zigzag64(v)); }
    void u8(uint8_t v) { _out.push_back(v); }
    void bytes(byte_view b) { _out.insert(_out.end(), b.begin(), b.end()); }
    void nullable(const std::optional<byte_view>& b) {
        if (!b) return s32(-1);
        s32(static_cast<int32_t>(b->size()));
        bytes(*b);
    }

private:
    void u64(uint64_t v) {
        uint8_t tmp[varint::max_len64];
        _out.insert(_out.end(), tmp, tmp + varint::put_u64(tmp, v));
    }
    byte_buffer& _out;
};

size_t nullable_size(const std::optional<byte_view>& b) noexcept {
    if (!b) return varint::size_s32(-1);
    return varint::size_s32(static_cast<int32_t>(b->size())) + b->size();
}

} // namespace

void record_batch_builder::append(const record_input& record) {
    if (_count == 0) _base_timestamp = record.timestamp_ms;
    if (_count == 0 || record.timestamp_ms > _max_timestamp) _max_timestamp = record.timestamp_ms;
    // Wrapping, not undefined, for absurd timestamps; the validator rejects what overflows.
    const auto timestamp_delta =
        static_cast<int64_t>(static_cast<uint64_t>(record.timestamp_ms) - static_cast<uint64_t>(_base_timestamp));
    const int32_t offset_delta = _count;

    // The length prefix comes first, so the body's size is computed before writing it.
    size_t body = 1 + varint::size_s64(timestamp_delta) + varint::size_s32(offset_delta) + nullable_size(record.key) +
                  nullable_size(record.value) + varint::size_s32(static_cast<int32_t>(record.headers.size()));
    for (const header_input& h : record.headers)
        body += varint::size_s32(static_cast<int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);

    record_writer w(_records);
    w.s32(static_cast<int32_t>(body));
    w.u8(0); // attributes: unused
    w.s64(timestamp_delta);
    w.s32(offset_delta);
    w.nullable(record.key);
    w.nullable(record.value);
    w.s32(static_cast<int32_t>(record.headers.size()));
    for (const header_input& h : record.headers) {
        w.s32(static_cast<int32_t>(h.key.size()));
        w.bytes(h.key);
        w.nullable(h.value);
    }
    ++_count;
}

build_result record_batch_builder::build() const {
    build_result result;
    byte_buffer compressed;
    const byte_buffer* payload = &_records;
    if (_options.compression != compression_type::none) {
        result.error = compress_into(_options.compression, _records, compressed, _options.compression_level);
        if (!result.ok()) return result;
        payload = &compressed;
    }
    byte_buffer& out = result.bytes;
    out.resize(batch_format::header_bytes + payload->size());
    if (!payload->empty()) std::memcpy(out.data() + batch_format::header_bytes, payload->data(), payload->size());

    int16_t attributes = static_cast<int16_t>(_options.compression);
    if (_options.ts_type == timestamp_type::log_append_time) attributes |= batch_format::timestamp_type_bit;
    if (_options.transactional) attributes |= batch_format::transactional_bit;
    if (_options.control) attributes |= batch_format::control_bit;

    uint8_t* h = out.data();
    be::store<int64_t>(h + batch_format::base_offset_at, _options.base_offset.value());
    be::store<int32_t>(h + batch_format::batch_length_at,
                       static_cast<int32_t>(out.size() - batch_format::log_overhead_bytes));
    be::store<int32_t>(h + batch_format::partition_leader_epoch_at, _options.partition_leader_epoch.value());
    be::store<int8_t>(h + batch_format::magic_at, batch_format::magic_v2);
    be::store<int16_t>(h + batch_format::attributes_at, attributes);
    // An empty batch keeps last_offset_delta 0, as Kafka's builder does.
    be::store<int32_t>(h + batch_format::last_offset_delta_at, _count > 0 ? _count - 1 : 0);
    be::store<int64_t>(h + batch_format::base_timestamp_at, _base_timestamp);
    be::store<int64_t>(h + batch_format::max_timestamp_at, _max_timestamp);
    be::store<int64_t>(h + batch_format::producer_id_at, _options.producer_id.value());
    be::store<int16_t>(h + batch_format::producer_epoch_at, _options.producer_epoch.value());
    be::store<int32_t>(h + batch_format::base_sequence_at, _options.base_sequence);
    be::store<int32_t>(h + batch_format::records_count_at, _count);
    be::store<uint32_t>(h + batch_format::crc_at, crc32c(byte_view(out).subspan(batch_format::attributes_at)));
    return result;
}

void record_batch_builder::reset() noexcept {
    _records.clear();
    _count = 0;
    _base_timestamp = batch_format::no_timestamp;
    _max_timestamp = batch_format::no_timestamp;
}

} // namespace sluice::protocol
