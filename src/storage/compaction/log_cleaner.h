#pragma once
// log_cleaner: one compaction pass over a log (cleanup.policy=compact or compact,delete),
// Kafka's LogCleaner.Cleaner.doClean:
//  1. find_cleanable_range(); stop unless the dirty ratio is above min.cleanable.dirty.ratio
//     or max.compaction.lag.ms is exceeded;
//  2. build the offset map (key -> latest offset) over the dirty section, whole segments, as
//     many as fit offset_map_keys_max (at least one);
//  3. rewrite every segment from the log start to the end of the mapped range: a record
//     stays unless a later record has its key, it has no key, or it is a tombstone whose
//     batch's delete horizon (KIP-534) has passed; batches that keep a tombstone get a
//     horizon of now + delete.retention.ms the first time they are cleaned; surviving
//     records keep their offsets (batch_filter.h);
//  4. each rewritten segment is written to "<base>.log.cleaned", synced and renamed over
//     "<base>.log" (log::swap_in_cleaned_segment; docs/formats/compaction.md). A segment with
//     nothing to remove is left as it is.
// Keyless records: Kafka refuses them at produce time on compacted topics
// (INVALID_RECORD); any that are in the log anyway (written before the topic became
// compacted) are dropped by the cleaner, as Kafka's cleaner does.
// Transactions: through transaction_policy.h (default: all committed, markers kept).
//
// Not yet: merging small neighbouring segments into one (Kafka's groupSegmentsBySize), the
// cleaner threads and their I/O throttle (log.cleaner.threads, log.cleaner.io.max.bytes.per.second),
// the cleaner-offset-checkpoint file (the caller keeps first_dirty_offset; losing it only
// makes the next pass treat the whole log as dirty).
//
// Runs on the shard that owns the log (it reads and writes the log's files synchronously);
// one pass at a time per log. The log must not be truncated during a pass.
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/ids.h"
#include "storage/compaction/cleanable_range.h"
#include "storage/compaction/compaction_config.h"
#include "storage/compaction/offset_map.h"
#include "storage/compaction/transaction_policy.h"
#include "storage/log.h"

namespace sluice::storage {

struct compaction_result {
    bool cleaned = false;  // false: nothing cleanable, or below the dirty ratio
    cleanable_range range; // what the decision was based on
    // Where the next pass's dirty section starts: the caller persists it.
    model::offset first_dirty_offset;
    int segments_cleaned = 0;   // read and filtered
    int segments_rewritten = 0; // swapped for a cleaned file
    uint64_t bytes_before = 0;  // of the cleaned segments
    uint64_t bytes_after = 0;
    int64_t records_superseded = 0; // a later record has the key
    int64_t tombstones_removed = 0; // delete horizon passed
    int64_t keyless_removed = 0;
    int64_t aborted_removed = 0;    // transaction_policy::is_aborted
    int64_t batches_removed = 0;
};

struct compaction_pass {
    model::offset first_dirty_offset{0};
    int64_t now_ms = 0;
    // Nothing at or above this offset is cleaned (high watermark / last stable offset);
    // nullopt: the log end.
    std::optional<model::offset> uncleanable_from;
    transaction_policy* transactions = nullptr; // nullptr: the default policy
};

class log_cleaner {
public:
    explicit log_cleaner(const compaction_config& config) : _config(config) {}

    result<compaction_result> clean(log& l, const compaction_pass& pass);

private:
    // Fills `map` from the dirty section; returns the index of the first segment not mapped.
    result<size_t> build_offset_map(log& l, const cleanable_range& range, offset_map& map,
                                    transaction_policy& transactions);
    storage_errc clean_segment(log& l, size_t index, const offset_map& map, int64_t now_ms,
                               transaction_policy& transactions, compaction_result& out);
    // Filters the segment's batches into `cleaned`; false when nothing changed.
    result<bool> write_cleaned(const segment& s, file_handle& cleaned, const offset_map& map, int64_t now_ms,
                               transaction_policy& transactions, compaction_result& out);

    compaction_config _config;
    byte_buffer _scratch; // decompressed records, reused
};

} // namespace sluice::storage
