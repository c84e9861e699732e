#pragma once
// Constants of log compaction's on-disk states: the cleaner's temporary segment file and the
// topic-config defaults that drive cleaning (Kafka's). Documented in
// docs/formats/compaction.md; keep the two in step.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace sluice::storage::compaction_format {

// "<20-digit base>.log.cleaned": a cleaned segment being written. Renamed over
// "<base>.log" once complete and synced; a leftover one is deleted when the log opens.
inline constexpr std::string_view cleaned_suffix = ".cleaned";

// Topic configs (Kafka's names and defaults).
inline constexpr double min_cleanable_dirty_ratio_default = 0.5;                       // min.cleanable.dirty.ratio
inline constexpr int64_t min_compaction_lag_ms_default = 0;                            // min.compaction.lag.ms
inline constexpr int64_t max_compaction_lag_ms_default = std::numeric_limits<int64_t>::max(); // max.compaction.lag.ms
inline constexpr int64_t delete_retention_ms_default = 86'400'000;                     // delete.retention.ms (1 day)

// The cleaner's key -> latest offset map holds at most this many keys per pass (Kafka bounds
// it by log.cleaner.dedupe.buffer.size, 128 MiB of 24-byte slots ~ 5.6M keys). A pass whose
// dirty range has more keys cleans the prefix that fits (at least one segment).
inline constexpr size_t offset_map_keys_max_default = 1'000'000;

} // namespace sluice::storage::compaction_format
