#pragma once
// Shared by the handlers whose work is one small operation per partition on its owner shard
// (ListOffsets, DeleteRecords, OffsetForLeaderEpoch, DescribeLogDirs).
#include <algorithm>
#include <string_view>
#include <vector>

#include "server/api_handler.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

// Runs op(shard_partitions&, item&) for every item on the shard owning (topic_of(item),
// partition_of(item)), all shards at once.
template <typename Item, typename Topic, typename Partition, typename Op>
asio::awaitable<void> on_owners(const request& r, std::vector<Item>& items, Topic topic_of, Partition partition_of, Op op) {
    std::vector<net::shard_id> shards;
    for (const Item& it : items) {
        net::shard_id s = r.ctx.owner_of(topic_of(it), partition_of(it));
        if (std::find(shards.begin(), shards.end(), s) == shards.end()) shards.push_back(s);
    }
    co_await for_each_shard(*r.ctx.shards, shards, [&](net::shard_id shard) -> asio::awaitable<void> {
        shard_partitions& parts = *r.ctx.partitions[shard];
        for (Item& it : items)
            if (r.ctx.owner_of(topic_of(it), partition_of(it)) == shard) op(parts, it);
        co_return;
    });
}

// Whether the image has partition `index` of `topic` (nullptr: no such topic).
inline bool has_partition(const cluster::topic_image* topic, int32_t index) noexcept {
    return topic != nullptr && index >= 0 && index < static_cast<int32_t>(topic->partitions.size());
}

// The leader-epoch check of ListOffsets, OffsetForLeaderEpoch and Fetch: -1 skips it.
inline protocol::error_code check_leader_epoch(int32_t requested, int32_t current) {
    if (requested < 0 || requested == current) return protocol::error_code::none;
    return requested > current ? protocol::error_code::unknown_leader_epoch : protocol::error_code::fenced_leader_epoch;
}

} // namespace sluice::server::handlers
