#pragma once
// offsets_records: building and reading __consumer_offsets records (docs/formats/consumer_offsets.md).
// Pure functions over the generated key/value structs; safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "base/bytes.h"
#include "coordinator/consumer_group_records.h"
#include "coordinator/group_coordinator.h"
#include "protocol/generated/records_consumer_offsets.h"

namespace sluice::coordinator {

// Record types (the key's leading int16).
inline constexpr int16_t legacy_offset_commit_type = 0;
inline constexpr int16_t offset_commit_type = 1;
inline constexpr int16_t group_metadata_type = 2;
// Value versions Sluice writes (Kafka 4.0's choices).
inline constexpr int16_t offset_commit_value_version = 3;
inline constexpr int16_t offset_commit_value_version_with_expiry = 1;
inline constexpr int16_t group_metadata_value_version = 3;

// A committed offset as the coordinator keeps it.
struct offset_and_metadata {
    int64_t offset = -1;
    int32_t leader_epoch = -1; // -1 = unknown
    std::string metadata;
    int64_t commit_timestamp_ms = 0;
    std::optional<int64_t> expire_timestamp_ms; // only from OffsetCommit v2-4 with a retention time
    // Where its record is in the partition's log, as this coordinator saw it (replay order, or
    // append order for its own writes); not part of the record. A transaction's offset replaces
    // a committed one only when written after it (Kafka 4.0 OffsetAndMetadata.recordOffset).
    uint64_t log_order = 0;
    bool operator==(const offset_and_metadata&) const = default;
};

// A record key or value as stored: the int16 record type (key) or schema version (value),
// then the encoded body.
byte_buffer with_prefix(int16_t prefix, const byte_buffer& body);

offsets_record offset_commit_record(const std::string& group, const std::string& topic, int32_t partition,
                                    const offset_and_metadata& value);
offsets_record offset_tombstone(const std::string& group, const std::string& topic, int32_t partition);
offsets_record group_metadata_record(const std::string& group, const protocol::msg::group_metadata_value& value);
offsets_record group_tombstone(const std::string& group);

// A decoded record: an offset commit (value nullopt = tombstone) or group metadata.
struct decoded_offset {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    std::optional<offset_and_metadata> value;
};
struct decoded_group {
    std::string group;
    std::optional<protocol::msg::group_metadata_value> value;
    int16_t value_version = 0;
};
using decoded_record = std::variant<std::monostate, decoded_offset, decoded_group, consumer_record>;
// monostate: an unknown type (e.g. 16, regular expressions) or bytes that do not decode.
decoded_record decode_record(byte_view key, std::optional<byte_view> value);

} // namespace sluice::coordinator
