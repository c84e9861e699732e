#pragma once
// Consumer lag computed in the broker: a group's committed offsets (from its coordinator's
// shard) against the high watermarks of those partitions (from their owners' shards), as
// kafka-consumer-groups.sh --describe shows it. For the admin API and metrics; the CLI, a
// Kafka client, computes the same from OffsetFetch and ListOffsets.
#include <cstdint>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>

#include "server/broker_context.h"

namespace sluice::server {

struct partition_lag {
    std::string topic;
    int32_t partition = 0;
    int64_t committed = -1;
    int64_t high_watermark = -1; // -1: the partition no longer exists
    int64_t lag = -1;            // high_watermark - committed, never negative; -1 when unknown
    bool operator==(const partition_lag&) const = default;
};

// Every committed offset of `group_id`, sorted by topic and partition; empty for a group
// without commits (or before __consumer_offsets exists).
asio::awaitable<std::vector<partition_lag>> group_lag(const broker_context& ctx, std::string group_id);

} // namespace sluice::server
