#pragma once
// Per-log compaction settings: Kafka's topic configs (for cleanup.policy=compact and
// compact,delete), with Kafka's defaults (compaction_format.h).
#include <cstddef>
#include <cstdint>

#include "storage/compaction/compaction_format.h"

namespace sluice::storage {

struct compaction_config {
    double min_cleanable_dirty_ratio = compaction_format::min_cleanable_dirty_ratio_default;
    int64_t min_compaction_lag_ms = compaction_format::min_compaction_lag_ms_default;
    int64_t max_compaction_lag_ms = compaction_format::max_compaction_lag_ms_default;
    int64_t delete_retention_ms = compaction_format::delete_retention_ms_default;
    size_t offset_map_keys_max = compaction_format::offset_map_keys_max_default;
};

} // namespace sluice::storage
