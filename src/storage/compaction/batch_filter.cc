#include "storage/compaction/batch_filter.h"

#include <cstring>
#include <vector>

#include "base/crc32c.h"
#include "base/endian.h"
#include "base/varint.h"
#include "protocol/batch_validator.h"
#include "protocol/record_batch_format.h"

namespace sluice::storage {

namespace batch_format = protocol::batch_format;

namespace {

void put_varint(byte_buffer& out, uint64_t v) {
    uint8_t tmp[varint::max_len64];
    out.insert(out.end(), tmp, tmp + varint::put_u64(tmp, v));
}

size_t nullable_size(const std::optional<byte_view>& b) noexcept {
    if (!b) return varint::size_s32(-1);
    return varint::size_s32(static_cast<int32_t>(b->size())) + b->size();
}

void put_nullable(byte_buffer& out, const std::optional<byte_view>& b) {
    if (!b) return put_varint(out, varint::zigzag32(-1));
    put_varint(out, varint::zigzag32(static_cast<int32_t>(b->size())));
    out.insert(out.end(), b->begin(), b->end());
}

// One record in the v2 record format; its headers are copied as they were encoded.
void encode_record(byte_buffer& out, const protocol::record_view& r, int64_t timestamp_delta) {
    size_t body = 1 + varint::size_s64(timestamp_delta) + varint::size_s32(r.offset_delta) + nullable_size(r.key) +
                  nullable_size(r.value) + varint::size_s32(r.headers_count) + r.headers_bytes.size();
    put_varint(out, varint::zigzag32(static_cast<int32_t>(body)));
    out.push_back(static_cast<uint8_t>(r.attributes));
    put_varint(out, varint::zigzag64(timestamp_delta));
    put_varint(out, varint::zigzag32(r.offset_delta));
    put_nullable(out, r.key);
    put_nullable(out, r.value);
    put_varint(out, varint::zigzag32(r.headers_count));
    out.insert(out.end(), r.headers_bytes.begin(), r.headers_bytes.end());
}

struct rebuilt_header {
    int16_t attributes;
    int32_t last_offset_delta;
    int64_t base_timestamp;
    int64_t max_timestamp;
    int32_t records_count;
};

// The original header with the fields a rebuild changes; CRC last.
byte_buffer assemble(protocol::record_batch_view original, const rebuilt_header& h, byte_view payload) {
    byte_buffer out(batch_format::header_bytes + payload.size());
    std::memcpy(out.data(), original.bytes().data(), batch_format::header_bytes);
    if (!payload.empty()) std::memcpy(out.data() + batch_format::header_bytes, payload.data(), payload.size());
    uint8_t* p = out.data();
    be::store<int32_t>(p + batch_format::batch_length_at, static_cast<int32_t>(out.size() - batch_format::log_overhead_bytes));
    be::store<int16_t>(p + batch_format::attributes_at, h.attributes);
    be::store<int32_t>(p + batch_format::last_offset_delta_at, h.last_offset_delta);
    be::store<int64_t>(p + batch_format::base_timestamp_at, h.base_timestamp);
    be::store<int64_t>(p + batch_format::max_timestamp_at, h.max_timestamp);
    be::store<int32_t>(p + batch_format::records_count_at, h.records_count);
    be::store<uint32_t>(p + batch_format::crc_at, crc32c(byte_view(out).subspan(batch_format::attributes_at)));
    return out;
}

} // namespace

result<batch_filter_output> filter_batch(protocol::record_batch_view batch, const record_predicate& keep,
                                         const batch_filter_options& options, byte_buffer& scratch) {
    auto opened = protocol::open_records(batch, protocol::decompressed_batch_bytes_max_default, scratch);
    if (opened.error != protocol::batch_error::none) return storage_errc::corrupt;
    std::vector<protocol::record_view> kept; // views into the batch or `scratch`
    protocol::record_view record;
    int32_t total = 0;
    while (opened.reader.next(record)) {
        ++total;
        if (keep(protocol::record_offset(batch, record), record)) kept.push_back(record);
    }
    if (opened.reader.error() != protocol::batch_error::none || total != batch.records_count())
        return storage_errc::corrupt;

    batch_filter_output out;
    out.records_removed = total - static_cast<int32_t>(kept.size());
    bool keeps_tombstone = false;
    for (const protocol::record_view& r : kept) keeps_tombstone |= !r.value.has_value();
    bool set_horizon = options.delete_horizon_ms && keeps_tombstone && !batch.has_delete_horizon();
    if (out.records_removed == 0 && !set_horizon) return out;

    int16_t attributes = batch.attributes();
    if (kept.empty()) {
        if (!options.keep_empty) {
            out.outcome = batch_outcome::removed;
            return out;
        }
        // Kafka's writeEmptyHeader: no records, no compression, the original last offset.
        attributes = static_cast<int16_t>(attributes & ~batch_format::compression_mask);
        out.outcome = batch_outcome::rewritten;
        out.bytes = assemble(batch, {attributes, batch.last_offset_delta(), batch.base_timestamp(),
                                     batch.max_timestamp(), 0}, {});
        return out;
    }

    int64_t base_timestamp = batch.base_timestamp();
    if (set_horizon) {
        attributes = static_cast<int16_t>(attributes | batch_format::delete_horizon_bit);
        base_timestamp = *options.delete_horizon_ms;
    }
    bool log_append_time = batch.ts_type() == protocol::timestamp_type::log_append_time;
    int64_t max_timestamp = log_append_time ? batch.max_timestamp() : batch_format::no_timestamp;
    byte_buffer records;
    for (const protocol::record_view& r : kept) {
        // The stored timestamp (base + delta), whatever the timestamp type reports.
        int64_t timestamp = static_cast<int64_t>(static_cast<uint64_t>(batch.base_timestamp()) +
                                                 static_cast<uint64_t>(r.timestamp_delta));
        if (!log_append_time && timestamp > max_timestamp) max_timestamp = timestamp;
        encode_record(records, r, static_cast<int64_t>(static_cast<uint64_t>(timestamp) -
                                                       static_cast<uint64_t>(base_timestamp)));
    }
    byte_buffer compressed;
    byte_view payload = records;
    if (batch.compression() != protocol::compression_type::none) {
        if (protocol::compress_into(batch.compression(), records, compressed) != protocol::codec_error::none)
            return storage_errc::io_error;
        payload = compressed;
    }
    out.outcome = batch_outcome::rewritten;
    out.bytes = assemble(batch, {attributes, kept.back().offset_delta, base_timestamp, max_timestamp,
                                 static_cast<int32_t>(kept.size())}, payload);
    return out;
}

} // namespace sluice::storage
