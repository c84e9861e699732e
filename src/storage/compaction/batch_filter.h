#pragma once
// batch_filter: rewrites one record batch keeping a subset of its records, as Kafka's
// MemoryRecords.filterTo does for the log cleaner:
//  - a batch whose records all stay and whose header needs no change is kept byte for byte;
//  - otherwise it is rebuilt with the same base offset, so every surviving record keeps its
//    offset (its offset delta is unchanged), last_offset_delta = the last survivor's delta,
//    the same codec, producer fields, leader epoch and timestamp type, and a new CRC;
//  - KIP-534: when `delete_horizon_ms` is given and the batch keeps a tombstone but has no
//    horizon yet, the delete-horizon attribute is set and base_timestamp holds the horizon;
//    record timestamp deltas are re-encoded against it, so record timestamps are unchanged.
//  - a batch left without records is dropped, unless `keep_empty` (Kafka's
//    BatchRetention.RETAIN_EMPTY, for an idempotent producer's last batch): then an empty
//    uncompressed batch keeps the original header fields and last offset.
//
// Stateless; the scratch buffers belong to the caller (one per cleaner, reused).
#include <cstdint>
#include <functional>
#include <optional>

#include "base/bytes.h"
#include "protocol/record_batch.h"
#include "protocol/record_reader.h"
#include "storage/storage_error.h"

namespace sluice::storage {

enum class batch_outcome : uint8_t {
    unchanged, // write the original bytes
    rewritten, // write batch_filter_output::bytes
    removed,   // write nothing
};

struct batch_filter_output {
    batch_outcome outcome = batch_outcome::unchanged;
    byte_buffer bytes; // the rebuilt batch when rewritten
    int32_t records_removed = 0;
};

// Whether a record stays; `offset` is its absolute offset.
using record_predicate = std::function<bool(model::offset offset, const protocol::record_view& record)>;

struct batch_filter_options {
    std::optional<int64_t> delete_horizon_ms; // now + delete.retention.ms
    bool keep_empty = false;
};

// Fails with `corrupt` when the records cannot be read or decompressed, `io_error` when they
// cannot be compressed again.
result<batch_filter_output> filter_batch(protocol::record_batch_view batch, const record_predicate& keep,
                                         const batch_filter_options& options, byte_buffer& scratch);

} // namespace sluice::storage
