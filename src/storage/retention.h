#pragma once
// Retention: deletes a log's oldest whole segments by age (retention.ms), by size
// (retention.bytes) and below the log start offset (DeleteRecords), never the active segment.
// Kafka's UnifiedLog.deleteOldSegments. The broker calls apply_retention() for each of its
// logs every log.retention.check.interval.ms; the caller then checkpoints the new log start
// offset (log-start-offset-checkpoint).
//
// Stateless; runs on the shard that owns the log.
#include <cstdint>

#include "base/ids.h"
#include "storage/log.h"

namespace sluice::storage {

namespace retention_defaults {
inline constexpr int64_t retention_ms = 604'800'000;            // retention.ms: 7 days
inline constexpr int64_t retention_bytes = -1;                  // retention.bytes: no limit
inline constexpr int64_t retention_check_interval_ms = 300'000; // log.retention.check.interval.ms
} // namespace retention_defaults

struct retention_config {
    int64_t retention_ms = retention_defaults::retention_ms;       // < 0: no time limit
    int64_t retention_bytes = retention_defaults::retention_bytes; // < 0: no size limit
    // cleanup.policy contains "delete". A compact-only log keeps everything except what
    // lies below the log start offset.
    bool delete_enabled = true;
};

// What one run deleted, for the log line and the metrics.
struct retention_result {
    int segments_deleted = 0;
    uint64_t bytes_deleted = 0;
    int deleted_below_log_start = 0; // of segments_deleted, by reason
    int deleted_by_time = 0;
    int deleted_by_size = 0;
    model::offset log_start_offset; // after the run
};

// Deletes, oldest first and stopping at the first segment that must stay:
//  1. segments wholly below the log start offset (the next segment starts at or below it);
//  2. segments whose largest timestamp is more than retention.ms before now_ms (Kafka: a
//     segment is eligible when now - largestTimestamp > retention.ms);
//  3. while the log's total size minus the oldest segment's size is >= retention.bytes, that
//     segment.
// The active segment always stays. The log start offset moves to the first remaining
// segment's base offset. No high watermark yet: once replication lands, only segments
// below it may go (Kafka's deletable-segment predicate checks the high watermark).
result<retention_result> apply_retention(log& l, const retention_config& config, int64_t now_ms);

} // namespace sluice::storage
