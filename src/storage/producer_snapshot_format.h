#pragma once
// Constants of the producer-state snapshot file (Kafka's version 1). Documented in
// docs/formats/producer_snapshot.md; keep the two in step.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::storage::producer_snapshot_format {

inline constexpr std::string_view extension = ".snapshot";
inline constexpr std::string_view temp_suffix = ".tmp"; // "<20 digits>.snapshot.tmp" while written
inline constexpr int16_t version = 1;

// Header: int16 version, uint32 crc32c of [crc_covers_from, end), int32 entry count.
inline constexpr size_t version_at = 0;
inline constexpr size_t crc_at = 2;
inline constexpr size_t crc_covers_from = 6;
inline constexpr size_t count_at = 6;
inline constexpr size_t header_bytes = 10;

// Entry: int64 producer id, int16 epoch, int32 last sequence, int64 last offset, int32 offset
// delta, int64 timestamp, int32 coordinator epoch, int64 current transaction first offset.
inline constexpr size_t producer_id_at = 0;
inline constexpr size_t epoch_at = 8;
inline constexpr size_t last_sequence_at = 10;
inline constexpr size_t last_offset_at = 14;
inline constexpr size_t offset_delta_at = 22;
inline constexpr size_t timestamp_at = 26;
inline constexpr size_t coordinator_epoch_at = 34;
inline constexpr size_t current_txn_first_offset_at = 38;
inline constexpr size_t entry_bytes = 46;

} // namespace sluice::storage::producer_snapshot_format
