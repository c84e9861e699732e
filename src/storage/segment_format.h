#pragma once
// Constants of the partition log's on-disk formats: segment file names, .index and .timeindex
// entries, checkpoint files, the clean-shutdown marker. Documented in
// docs/formats/segment.md; keep the two in step.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace sluice::storage::segment_format {

// File names: <20-digit zero-padded base offset><extension>.
inline constexpr size_t base_offset_digits = 20;
inline constexpr std::string_view log_extension = ".log";
inline constexpr std::string_view index_extension = ".index";
inline constexpr std::string_view time_index_extension = ".timeindex";
inline constexpr std::string_view txn_index_extension = ".txnindex";

// .index entry: int32 relative offset, int32 position.
inline constexpr size_t index_entry_bytes = 8;
// .timeindex entry: int64 timestamp, int32 relative offset.
inline constexpr size_t time_index_entry_bytes = 12;
// .txnindex entry (an aborted transaction): int16 version, int64 producer id, int64 first
// offset, int64 last offset, int64 last stable offset.
inline constexpr size_t txn_index_entry_bytes = 34;
inline constexpr int16_t txn_index_version = 0;
// Every offset in a segment is base + [0, relative_offset_max].
inline constexpr int64_t relative_offset_max = std::numeric_limits<int32_t>::max();

// Defaults of the topic configs that shape segments (Kafka's).
inline constexpr int32_t index_interval_bytes_default = 4096;          // index.interval.bytes
inline constexpr int32_t segment_bytes_default = 1 << 30;              // segment.bytes
inline constexpr int32_t segment_index_bytes_default = 10 * 1024 * 1024; // segment.index.bytes
inline constexpr int64_t segment_ms_default = 7LL * 24 * 3600 * 1000;  // segment.ms
inline constexpr int64_t segment_jitter_ms_default = 0;                // segment.jitter.ms

// Text checkpoint files.
inline constexpr std::string_view recovery_point_checkpoint_name = "recovery-point-offset-checkpoint";
inline constexpr std::string_view log_start_offset_checkpoint_name = "log-start-offset-checkpoint";
inline constexpr std::string_view leader_epoch_checkpoint_name = "leader-epoch-checkpoint";
inline constexpr std::string_view checkpoint_temp_suffix = ".tmp";
inline constexpr int checkpoint_version = 0;
inline constexpr std::string_view clean_shutdown_marker_name = ".kafka_cleanshutdown";

} // namespace sluice::storage::segment_format
