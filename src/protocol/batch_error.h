#pragma once
// Why a record batch was refused. Each value maps to exactly one Kafka error code at the
// boundary (kafka_error_code), following what Kafka 4.0 answers for the same fault.
#include <cstdint>
#include <string_view>

namespace sluice::protocol {

enum class batch_error : uint8_t {
    none = 0,
    truncated,            // fewer bytes than the header or batch_length needs
    bad_length,           // batch_length below the v2 header size
    old_magic,            // magic 0 or 1: a v0/v1 message set (docs/decisions/0005)
    bad_magic,            // magic other than 0, 1, 2
    crc_mismatch,         // CRC-32C over attributes..end differs from the header's
    bad_attributes,       // unknown codec; control batch compressed or not transactional
    bad_record_count,     // records_count or last_offset_delta disagree with the records
    bad_offsets,          // base offset or record offset deltas out of place
    bad_timestamps,       // timestamp arithmetic overflows, or max_timestamp is wrong (strict)
    bad_producer_fields,  // producer id/epoch/sequence inconsistent
    control_from_client,  // clients may not write control batches
    invalid_record,       // a record's varints, lengths or headers are malformed
    decompression_failed, // the compressed records are corrupt
    too_large,            // the decompressed records exceed the caller's bound
};

std::string_view to_string(batch_error error) noexcept;

// Kafka error codes a batch error is reported as.
inline constexpr int16_t kafka_none = 0;
inline constexpr int16_t kafka_corrupt_message = 2;
inline constexpr int16_t kafka_message_too_large = 10;
inline constexpr int16_t kafka_invalid_timestamp = 32;
inline constexpr int16_t kafka_invalid_record = 87;

// Kafka's answer for the fault: CORRUPT_MESSAGE where Kafka throws CorruptRecordException
// (framing, CRC, undecodable compression), INVALID_RECORD where it throws
// InvalidRecordException (including magic 0/1 in Produce v3+: ProduceRequest.validateRecords).
int16_t kafka_error_code(batch_error error) noexcept;

} // namespace sluice::protocol
