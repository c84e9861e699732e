#pragma once
// validate_batch: everything a broker checks in a record batch before it may be appended
// (Kafka's DefaultRecordBatch.ensureValid plus LogValidator's structural rules): CRC,
// attributes, offsets, counts, producer fields and every record, decompressing when needed.
//
// Stateless; safe from any thread given a scratch buffer per thread.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "protocol/batch_error.h"
#include "protocol/record_batch.h"

namespace sluice::protocol {

// Default cap on a batch's decompressed records. Kafka has none; without one a few KiB of
// zstd or gzip can expand to gigabytes. Brokers pass their configured limit instead.
inline constexpr size_t decompressed_batch_bytes_max_default = 64 << 20;

struct validate_options {
    // Kafka's CLIENT append origin (Produce): base offset 0, at least one record, offset
    // deltas exactly 0..n-1, no control batches. Off for batches from a partition leader or
    // read back from a log, where compaction may have removed records.
    bool from_client = true;
    size_t decompressed_bytes_max = decompressed_batch_bytes_max_default;
    // Require a CreateTime batch's max_timestamp to equal its largest record timestamp.
    // Kafka does not reject a wrong value, it overwrites it; the summary gives the right one.
    bool strict_max_timestamp = false;
};

// What validation learnt on the way, so the broker does not iterate the records again.
struct batch_summary {
    int32_t record_count = 0;
    // Over the records' own timestamps (base_timestamp + delta), whatever the timestamp type:
    // for the timestamp window checks and for patching max_timestamp under CreateTime.
    int64_t min_timestamp = batch_format::no_timestamp;
    int64_t max_timestamp = batch_format::no_timestamp;
    int32_t max_timestamp_offset_delta = -1; // first record holding max_timestamp
    size_t records_bytes = 0;                // records section size, after decompression
};

struct validate_result {
    batch_error error = batch_error::none;
    // The record at fault for per-record errors (ProduceResponse v8+ record_errors), else -1.
    int32_t record_index = -1;
    batch_summary summary; // complete only when error == none
    bool ok() const noexcept { return error == batch_error::none; }
};

// `scratch` receives the decompressed records of a compressed batch (its capacity is reused;
// its contents are unspecified afterwards).
validate_result validate_batch(record_batch_view batch, const validate_options& options, byte_buffer& scratch);

} // namespace sluice::protocol
