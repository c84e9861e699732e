#pragma once
// How the transaction APIs reach a transactional id's coordinator (DESIGN.md §7): the id's
// partition of __transaction_state (txn::partition_for over the topic's partition count) is
// owned by one shard; the request's work runs there, on that shard's transaction_coordinator,
// and the answer comes back to the connection's shard.
#include <string_view>

#include "server/handlers/shard_call.h"
#include "server/txn_shard.h"
#include "txn/transaction_coordinator.h"

namespace sluice::server::handlers {

// __transaction_state's partition count: the topic's, or transaction.state.log.num.partitions
// before it exists.
inline int32_t transaction_state_partitions(const broker_context& ctx) {
    cluster::image_ptr image = ctx.metadata->current();
    if (const cluster::topic_image* t = image->find(transaction_state_topic)) return static_cast<int32_t>(t->partitions.size());
    return txn_config_from(ctx.settings.properties).state_partitions;
}

inline int32_t transaction_partition(const broker_context& ctx, std::string_view transactional_id) {
    return txn::partition_for(transactional_id, transaction_state_partitions(ctx));
}

// Runs start(coordinator, done) on the shard owning __transaction_state-<partition> and
// resumes (on the caller's shard) with the value passed to done. The owner first catches up
// with the current metadata image, so a partition created a moment ago is loaded before it is
// asked.
template <typename Result, typename Start>
asio::awaitable<Result> call_transaction_coordinator(const broker_context& ctx, int32_t partition, Start start) {
    const net::shard_id owner = ctx.owner_of(transaction_state_topic, partition);
    co_return co_await call_on_shard<Result>(ctx, owner, [&](shard_partitions& shard, auto done) {
        shard.find(transaction_state_topic, partition); // catch up with the image (loads the partition)
        start(shard.txns().coordinator(), std::move(done));
    });
}

} // namespace sluice::server::handlers
