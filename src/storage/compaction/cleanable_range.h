#pragma once
// cleanable_range: which part of a log a cleaning pass may touch and whether it should run
// now (Kafka's LogCleanerManager.cleanableOffsets and LogToClean).
//
//   [log start ......... first dirty ............ first uncleanable ...... log end]
//    clean section        dirty section            uncleanable (incl. the active segment)
//
// All boundaries are segment boundaries (indexes into the log's segments). The first
// uncleanable segment is the first of: the active segment; with min.compaction.lag.ms > 0,
// the first dirty segment whose largest timestamp is > now - min.compaction.lag.ms (too recent
// to compact); the first segment holding an offset >= `uncleanable_from` (the caller's high
// watermark / last stable offset once replication and transactions land).
#include <cstddef>
#include <cstdint>

#include "base/ids.h"
#include "storage/compaction/compaction_config.h"
#include "storage/log.h"

namespace sluice::storage {

struct cleanable_range {
    size_t first_dirty_segment = 0;
    size_t first_uncleanable_segment = 0;
    uint64_t clean_bytes = 0;
    uint64_t dirty_bytes = 0; // the cleanable dirty bytes
    // dirty / (clean + dirty); 0 when both are empty.
    double dirty_ratio = 0;
    // max.compaction.lag.ms: the first dirty batch is older than that.
    bool max_lag_exceeded = false;

    // Kafka: (needCompactionNow && cleanableBytes > 0) || cleanableRatio > minCleanableRatio.
    bool should_clean(const compaction_config& config) const noexcept {
        return dirty_bytes > 0 && (max_lag_exceeded || dirty_ratio > config.min_cleanable_dirty_ratio);
    }
};

// `first_dirty_offset`: where the last pass stopped (the cleaner-offset-checkpoint), clamped
// to the log start offset.
result<cleanable_range> find_cleanable_range(const log& l, const compaction_config& config,
                                             model::offset first_dirty_offset, int64_t now_ms,
                                             model::offset uncleanable_from);

} // namespace sluice::storage
