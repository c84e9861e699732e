#pragma once
// group_offsets: the offsets `sluice group describe|reset-offsets` read and write, through
// librdkafka 2.0.2:
// - committed_offsets: a group's committed offsets (OffsetFetch, rd_kafka_ListConsumerGroupOffsets);
// - log_offsets: per partition the log start, the log end (high watermark) or the first offset
//   at a timestamp (ListOffsets, batched per leader by rd_kafka_offsets_for_times; 2.0.2 has no
//   ListOffsets admin call);
// - alter_committed_offsets: commit offsets for a group that has no members (OffsetCommit with
//   no generation, rd_kafka_AlterConsumerGroupOffsets).
// All block up to the timeout on the calling thread.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/kafka_client.h"
#include "cli/result.h"
#include "cli/topic_partition.h"

namespace sluice::cli {

// The settings of the handle these calls use: ListOffsets reads the high watermark, as
// kafka-consumer-groups.sh does, not the last stable offset.
std::vector<key_value> group_client_settings();

// The group's committed offsets: of every partition it has one for (`partitions` empty), or of
// those of `partitions` that have one. (librdkafka 2.0.2's mock cluster answers only the
// partitions asked for; real brokers answer both.)
result<std::map<topic_partition, int64_t>> committed_offsets(const kafka_client& client, const std::string& group,
                                                             const std::vector<topic_partition>& partitions,
                                                             int32_t timeout_ms);

// ListOffsets timestamps: the log start and the log end (high watermark).
constexpr int64_t earliest_timestamp = -2;
constexpr int64_t latest_timestamp = -1;

// For each of `partitions`, the offset ListOffsets answers for `timestamp` (earliest_timestamp,
// latest_timestamp, or milliseconds: the first record at or after it, -1 when there is none).
result<std::map<topic_partition, int64_t>> log_offsets(const kafka_client& client,
                                                       const std::vector<topic_partition>& partitions,
                                                       int64_t timestamp, int32_t timeout_ms);

// Commits `offsets` for `group`. The broker accepts this only from outside the group while it
// has no members; its error (e.g. UNKNOWN_MEMBER_ID) is the failure otherwise.
result<bool> alter_committed_offsets(const kafka_client& client, const std::string& group,
                                     const std::map<topic_partition, int64_t>& offsets, int32_t timeout_ms);

// "NAME: message" of a Kafka error code, e.g. "GROUP_ID_NOT_FOUND: Broker: The group id does not exist".
std::string error_text(rd_kafka_resp_err_t error);
std::string error_text(const rd_kafka_error_t* error);

} // namespace sluice::cli
