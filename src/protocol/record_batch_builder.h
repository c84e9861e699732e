#pragma once
// record_batch_builder: writes a record batch v2, as Kafka's MemoryRecordsBuilder does:
// offset deltas 0..n-1, base_timestamp = the first record's timestamp, max_timestamp = the
// largest, records compressed as one block when asked, CRC computed last.
// Used by tests and by the broker for the batches it writes itself (transaction markers,
// internal topics). One builder per batch; not thread-safe.
#include <cstdint>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/ids.h"
#include "protocol/compression.h"
#include "protocol/record_batch.h"

namespace sluice::protocol {

struct header_input {
    byte_view key{};
    std::optional<byte_view> value{};
};

struct record_input {
    int64_t timestamp_ms = 0;
    std::optional<byte_view> key{};
    std::optional<byte_view> value{};
    std::span<const header_input> headers{};
};

struct batch_builder_options {
    compression_type compression = compression_type::none;
    std::optional<int> compression_level{};
    model::offset base_offset{0};
    // What producers send: -1 (RecordBatch.NO_PARTITION_LEADER_EPOCH).
    model::leader_epoch partition_leader_epoch = model::no_leader_epoch;
    model::producer_id producer_id = model::no_producer_id;
    model::producer_epoch producer_epoch = model::no_producer_epoch;
    int32_t base_sequence = batch_format::no_sequence;
    bool transactional = false;
    bool control = false;
    timestamp_type ts_type = timestamp_type::create_time;
};

struct build_result {
    codec_error error = codec_error::none; // compression only
    byte_buffer bytes;
    bool ok() const noexcept { return error == codec_error::none; }
};

class record_batch_builder {
public:
    explicit record_batch_builder(batch_builder_options options) noexcept : _options(options) {}

    // Appends a record with the next offset delta. The bytes are copied.
    void append(const record_input& record);
    int32_t record_count() const noexcept { return _count; }

    // The finished batch. The builder may be reused afterwards only after reset().
    build_result build() const;
    void reset() noexcept;

private:
    batch_builder_options _options;
    byte_buffer _records; // uncompressed records section
    int32_t _count = 0;
    int64_t _base_timestamp = batch_format::no_timestamp;
    int64_t _max_timestamp = batch_format::no_timestamp;
};

} // namespace sluice::protocol
