#pragma once
// Layout constants of Kafka's record batch v2 (magic 2), the unit the broker receives, stores
// and serves unchanged. Documented in docs/formats/record_batch.md; keep the two in step.
#include <cstddef>
#include <cstdint>

namespace sluice::protocol::batch_format {

// Header field offsets, from the start of the batch. All integers are big-endian.
inline constexpr size_t base_offset_at = 0;             // int64
inline constexpr size_t batch_length_at = 8;            // int32: bytes after this field
inline constexpr size_t partition_leader_epoch_at = 12; // int32
inline constexpr size_t magic_at = 16;                  // int8 (same place in v0/v1)
inline constexpr size_t crc_at = 17;                    // uint32: CRC-32C of [attributes_at, end)
inline constexpr size_t attributes_at = 21;             // int16
inline constexpr size_t last_offset_delta_at = 23;      // int32
inline constexpr size_t base_timestamp_at = 27;         // int64
inline constexpr size_t max_timestamp_at = 35;          // int64
inline constexpr size_t producer_id_at = 43;            // int64
inline constexpr size_t producer_epoch_at = 51;         // int16
inline constexpr size_t base_sequence_at = 53;          // int32
inline constexpr size_t records_count_at = 57;          // int32
inline constexpr size_t header_bytes = 61;              // records start here

// Bytes before batch_length's coverage starts, and the smallest valid batch_length.
inline constexpr size_t log_overhead_bytes = 12;
inline constexpr int32_t batch_length_min = static_cast<int32_t>(header_bytes - log_overhead_bytes);
// Enough bytes to read the magic byte of any message format.
inline constexpr size_t bytes_to_magic = magic_at + 1;
inline constexpr int8_t magic_v2 = 2;

// attributes bits.
inline constexpr int16_t compression_mask = 0x07;    // bits 0-2: compression_type
inline constexpr int16_t timestamp_type_bit = 0x08;  // bit 3: 0 CreateTime, 1 LogAppendTime
inline constexpr int16_t transactional_bit = 0x10;   // bit 4 (KIP-98)
inline constexpr int16_t control_bit = 0x20;         // bit 5 (KIP-98)
inline constexpr int16_t delete_horizon_bit = 0x40;  // bit 6 (KIP-534): base_timestamp is the delete horizon

// "No value" markers of the header.
inline constexpr int64_t no_timestamp = -1;
inline constexpr int32_t no_sequence = -1;

static_assert(records_count_at + 4 == header_bytes);
static_assert(crc_at + 4 == attributes_at);

} // namespace sluice::protocol::batch_format
