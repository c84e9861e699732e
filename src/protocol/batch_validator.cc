#include "protocol/batch_validator.h"

#include "protocol/control_record.h"
#include "protocol/record_reader.h"

namespace sluice::protocol {

namespace {

batch_error check_framing(record_batch_view b) noexcept {
    if (b.magic() == 0 || b.magic() == 1) return batch_error::old_magic;
    if (b.magic() != batch_format::magic_v2) return batch_error::bad_magic;
    if (b.batch_length() < batch_format::batch_length_min ||
        batch_format::log_overhead_bytes + static_cast<size_t>(b.batch_length()) != b.size_bytes())
        return batch_error::bad_length;
    // Kafka (ensureValid) checks the CRC before trusting any field it covers.
    if (b.compute_crc() != b.crc()) return batch_error::crc_mismatch;
    return batch_error::none;
}

batch_error check_header(record_batch_view b, const validate_options& options) noexcept {
    if (static_cast<uint8_t>(b.compression()) > compression_type_max) return batch_error::bad_attributes;
    // KIP-98: control batches are written uncompressed by the transaction coordinator and
    // only inside transactions.
    if (b.is_control() && (b.compression() != compression_type::none || !b.is_transactional()))
        return batch_error::bad_attributes;
    if (b.is_control() && options.from_client) return batch_error::control_from_client;

    int64_t base = b.base_offset().value();
    int32_t last_delta = b.last_offset_delta();
    int32_t count = b.records_count();
    if (options.from_client ? base != 0 : base < 0) return batch_error::bad_offsets;
    if (last_delta < 0 || count < 0) return batch_error::bad_record_count;
    int64_t last = 0;
    if (__builtin_add_overflow(base, static_cast<int64_t>(last_delta), &last)) return batch_error::bad_offsets;
    // Kafka (LogValidator, CLIENT origin): "Inconsistent batch offset range and record count".
    // Compaction keeps last_offset_delta while removing records, so elsewhere only an upper
    // bound holds.
    if (options.from_client ? (count == 0 || last_delta != count - 1) : count - 1 > last_delta)
        return batch_error::bad_record_count;

    int64_t pid = b.producer_id().value();
    if (pid < -1) return batch_error::bad_producer_fields;
    if (b.is_transactional() && pid < 0) return batch_error::bad_producer_fields;
    // Idempotent batches carry an epoch and a sequence; transaction markers carry no sequence.
    if (pid >= 0 && (b.producer_epoch().value() < 0 || (!b.is_control() && b.base_sequence() < 0)))
        return batch_error::bad_producer_fields;
    return batch_error::none;
}

bool control_record_ok(const record_view& r) noexcept {
    control_key key;
    if (!parse_control_key(r.key, key)) return false;
    if (key.type != control_record_type::abort && key.type != control_record_type::commit) return true;
    end_txn_marker marker;
    return parse_end_txn_marker(r.value, marker);
}

// Checks one record against its batch and folds it into the summary.
batch_error check_record(record_batch_view b, const validate_options& options, const record_view& r,
                         int32_t index, int32_t previous_delta, batch_summary& summary) noexcept {
    bool in_place = options.from_client ? r.offset_delta == index
                                        : r.offset_delta > previous_delta && r.offset_delta <= b.last_offset_delta();
    if (!in_place) return batch_error::bad_offsets;
    int64_t ts = 0;
    if (__builtin_add_overflow(b.base_timestamp(), r.timestamp_delta, &ts)) return batch_error::bad_timestamps;
    if (index == 0 || ts < summary.min_timestamp) summary.min_timestamp = ts;
    if (index == 0 || ts > summary.max_timestamp) {
        summary.max_timestamp = ts;
        summary.max_timestamp_offset_delta = r.offset_delta;
    }
    if (b.is_control() && !control_record_ok(r)) return batch_error::invalid_record;
    return batch_error::none;
}

} // namespace

validate_result validate_batch(record_batch_view b, const validate_options& options, byte_buffer& scratch) {
    validate_result result;
    if ((result.error = check_framing(b)) != batch_error::none) return result;
    if ((result.error = check_header(b, options)) != batch_error::none) return result;

    records_open_result opened = open_records(b, options.decompressed_bytes_max, scratch);
    if ((result.error = opened.error) != batch_error::none) return result;
    record_reader& reader = opened.reader;
    batch_summary& summary = result.summary;
    const int32_t count = b.records_count();
    record_view record;
    int32_t previous_delta = -1;
    for (int32_t i = 0; i < count; ++i) {
        if (!reader.next(record)) {
            // Clean end of the bytes: fewer records than declared. Otherwise a broken record.
            result.error = reader.error() == batch_error::none ? batch_error::bad_record_count : reader.error();
            result.record_index = reader.error() == batch_error::none ? -1 : i;
            return result;
        }
        result.error = check_record(b, options, record, i, previous_delta, summary);
        if (result.error != batch_error::none) {
            result.record_index = i;
            return result;
        }
        previous_delta = record.offset_delta;
    }
    // Kafka: "Incorrect declared batch size, records still remaining".
    if (!reader.at_end()) {
        result.error = batch_error::bad_record_count;
        return result;
    }
    summary.record_count = count;
    summary.records_bytes = reader.position();
    if (options.strict_max_timestamp && b.ts_type() == timestamp_type::create_time && count > 0 &&
        b.max_timestamp() != summary.max_timestamp)
        result.error = batch_error::bad_timestamps;
    return result;
}

} // namespace sluice::protocol
