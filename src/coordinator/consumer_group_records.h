#pragma once
// consumer_group_records: the KIP-848 consumer group records of __consumer_offsets, types 3-8
// (docs/formats/consumer_offsets.md; schemas/records/consumer_group_records.sch), in one
// decoded form that both the coordinator's writes and replay go through. Key and value schema
// versions are 0, as Kafka 4.0 writes them. Pure functions; safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "base/bytes.h"
#include "coordinator/group_coordinator.h"
#include "protocol/generated/records_consumer_group_records.h"

namespace sluice::coordinator {

inline constexpr int16_t consumer_group_metadata_type = 3;
inline constexpr int16_t consumer_group_partition_metadata_type = 4;
inline constexpr int16_t consumer_group_member_metadata_type = 5;
inline constexpr int16_t consumer_group_target_assignment_metadata_type = 6;
inline constexpr int16_t consumer_group_target_assignment_member_type = 7;
inline constexpr int16_t consumer_group_current_member_assignment_type = 8;

using consumer_record_value =
    std::variant<protocol::msg::consumer_group_metadata_value, protocol::msg::consumer_group_partition_metadata_value,
                 protocol::msg::consumer_group_member_metadata_value,
                 protocol::msg::consumer_group_target_assignment_metadata_value,
                 protocol::msg::consumer_group_target_assignment_member_value,
                 protocol::msg::consumer_group_current_member_assignment_value>;

// One record of types 3-8; no value = a tombstone. member_id only for types 5, 7, 8.
struct consumer_record {
    int16_t type = 0;
    std::string group_id;
    std::string member_id;
    std::optional<consumer_record_value> value;
};

offsets_record encode(const consumer_record& record);
// nullopt: not a type 3-8 record, or it does not decode.
std::optional<consumer_record> decode_consumer_record(int16_t type, byte_view key_body, std::optional<byte_view> value);

} // namespace sluice::coordinator
