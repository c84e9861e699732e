#include "server/group_lag.h"

#include <algorithm>
#include <map>

#include "server/handlers/group_routing.h"

namespace sluice::server {

asio::awaitable<std::vector<partition_lag>> group_lag(const broker_context& ctx, std::string group_id) {
    std::vector<partition_lag> out;
    if (!ctx.metadata->current()->find(consumer_offsets_topic)) co_return out;
    const std::vector<net::shard_id> coordinator_shard{
        handlers::group_shard_of(ctx, handlers::group_partition(ctx, group_id))};
    std::vector<coordinator::group_coordinator::committed_offset> committed;
    co_await for_each_shard(*ctx.shards, coordinator_shard, [&](net::shard_id s) -> asio::awaitable<void> {
        committed = ctx.partitions[s]->groups().coordinator().committed_offsets(group_id);
        co_return;
    });
    std::map<net::shard_id, std::vector<size_t>> by_shard;
    for (auto& c : committed) {
        partition_lag l;
        l.topic = std::move(c.topic);
        l.partition = c.partition;
        l.committed = c.offset;
        by_shard[ctx.owner_of(l.topic, l.partition)].push_back(out.size());
        out.push_back(std::move(l));
    }
    std::vector<net::shard_id> shards;
    for (const auto& [s, items] : by_shard) shards.push_back(s);
    // Each shard writes only its own entries of `out`.
    co_await for_each_shard(*ctx.shards, shards, [&](net::shard_id s) -> asio::awaitable<void> {
        for (size_t i : by_shard.at(s)) {
            partition_lag& l = out[i];
            if (partition* p = ctx.partitions[s]->find(l.topic, l.partition)) {
                l.high_watermark = p->high_watermark().value();
                if (l.committed >= 0) l.lag = std::max<int64_t>(0, l.high_watermark - l.committed);
            }
        }
        co_return;
    });
    std::sort(out.begin(), out.end(), [](const partition_lag& a, const partition_lag& b) {
        return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
    });
    co_return out;
}

} // namespace sluice::server
