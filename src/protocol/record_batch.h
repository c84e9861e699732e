#pragma once
// record_batch_view: a zero-copy view of one record batch v2 (docs/formats/record_batch.md).
// parse_batch / split_batches find batches in a buffer (a Produce request's `records`, a log
// segment) and check their framing; validate_batch (batch_validator.h) checks the rest.
//
// A view does not own its bytes: it is valid while the buffer it points into is. Views and
// the free functions here hold no state and may be used from any thread.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/endian.h"
#include "base/ids.h"
#include "protocol/batch_error.h"
#include "protocol/compression.h"
#include "protocol/record_batch_format.h"

namespace sluice::protocol {

enum class timestamp_type : uint8_t { create_time = 0, log_append_time = 1 };

class record_batch_view {
public:
    // An all-zero header, so a default view is safe to read (and fails validation).
    record_batch_view() noexcept;
    // `bytes` is one batch already framed by parse_batch() (or read back from our own log).
    // Holding at least a header is asserted: accessors never read out of bounds.
    explicit record_batch_view(byte_view bytes) noexcept;

    // The whole batch: header and records, exactly 12 + batch_length bytes.
    byte_view bytes() const noexcept { return _bytes; }
    size_t size_bytes() const noexcept { return _bytes.size(); }

    model::offset base_offset() const noexcept { return model::offset(load<int64_t>(batch_format::base_offset_at)); }
    int32_t batch_length() const noexcept { return load<int32_t>(batch_format::batch_length_at); }
    model::leader_epoch partition_leader_epoch() const noexcept {
        return model::leader_epoch(load<int32_t>(batch_format::partition_leader_epoch_at));
    }
    int8_t magic() const noexcept { return load<int8_t>(batch_format::magic_at); }
    uint32_t crc() const noexcept { return load<uint32_t>(batch_format::crc_at); }
    int16_t attributes() const noexcept { return load<int16_t>(batch_format::attributes_at); }
    int32_t last_offset_delta() const noexcept { return load<int32_t>(batch_format::last_offset_delta_at); }
    int64_t base_timestamp() const noexcept { return load<int64_t>(batch_format::base_timestamp_at); }
    int64_t max_timestamp() const noexcept { return load<int64_t>(batch_format::max_timestamp_at); }
    model::producer_id producer_id() const noexcept {
        return model::producer_id(load<int64_t>(batch_format::producer_id_at));
    }
    model::producer_epoch producer_epoch() const noexcept {
        return model::producer_epoch(load<int16_t>(batch_format::producer_epoch_at));
    }
    int32_t base_sequence() const noexcept { return load<int32_t>(batch_format::base_sequence_at); }
    int32_t records_count() const noexcept { return load<int32_t>(batch_format::records_count_at); }

    // Attribute bits. compression() may hold an id above compression_type_max until the
    // batch has been validated.
    compression_type compression() const noexcept {
        return static_cast<compression_type>(attributes() & batch_format::compression_mask);
    }
    timestamp_type ts_type() const noexcept {
        return (attributes() & batch_format::timestamp_type_bit) ? timestamp_type::log_append_time
                                                                 : timestamp_type::create_time;
    }
    bool is_transactional() const noexcept { return attributes() & batch_format::transactional_bit; }
    bool is_control() const noexcept { return attributes() & batch_format::control_bit; }
    bool has_delete_horizon() const noexcept { return attributes() & batch_format::delete_horizon_bit; }
    bool has_producer_id() const noexcept { return producer_id().value() >= 0; }

    // The records section after the header: compressed as a whole when compression() != none.
    byte_view records_bytes() const noexcept { return _bytes.subspan(batch_format::header_bytes); }
    // CRC-32C of the bytes the crc field covers (attributes to the end).
    uint32_t compute_crc() const noexcept;

private:
    template <typename T>
    T load(size_t at) const noexcept {
        return be::load<T>(_bytes.data() + at);
    }

    byte_view _bytes;
};

struct batch_parse_result {
    batch_error error = batch_error::none;
    record_batch_view batch; // valid when error == none
};

// Reads the batch at the start of `input`: a v2 magic, a whole header, batch_length at least
// the header and no more than `input` holds. Bytes after the batch are ignored. Does not
// check the CRC or the records: validate_batch() does.
batch_parse_result parse_batch(byte_view input) noexcept;

struct split_result {
    batch_error error = batch_error::none;
    // Length of the prefix of whole, well-framed batches (everything when error == none):
    // where a log recovery truncates a torn tail.
    size_t valid_bytes = 0;
};

// Splits concatenated batches into views, appended to `out`. A trailing partial batch is an
// error (`truncated`), unlike Kafka's log reader which silently stops there: a Produce
// request that carries one was cut or forged. Empty input yields no batches and no error.
split_result split_batches(byte_view input, std::vector<record_batch_view>& out);

// A batch in a buffer the caller may modify (a receive buffer before it is appended to the
// log). The setters keep the CRC right: fields outside its coverage are written as they are;
// fields inside it are written and the CRC recomputed.
class mutable_record_batch {
public:
    // `bytes` must hold a batch parse_batch() accepted, exactly.
    explicit mutable_record_batch(std::span<uint8_t> bytes) noexcept;

    record_batch_view view() const noexcept { return record_batch_view(_bytes); }

    // Outside the CRC: no recomputation.
    void set_base_offset(model::offset offset) noexcept;
    void set_partition_leader_epoch(model::leader_epoch epoch) noexcept;
    // Inside the CRC. Recomputes it only when something changed, as Kafka's setMaxTimestamp.
    void set_max_timestamp(timestamp_type type, int64_t timestamp_ms) noexcept;
    // LogAppendTime (message.timestamp.type=LogAppendTime): the broker's clock replaces the
    // producer's timestamps; readers then report max_timestamp for every record.
    void set_log_append_time(int64_t now_ms) noexcept { set_max_timestamp(timestamp_type::log_append_time, now_ms); }

private:
    std::span<uint8_t> _bytes;
};

} // namespace sluice::protocol
