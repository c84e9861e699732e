#pragma once
// How the group APIs reach a group's coordinator (DESIGN.md §7): the group's partition of
// __consumer_offsets (coordinator::partition_for over the topic's partition count) is owned by
// one shard; the request's work runs there, on that shard's group_coordinator, and the answer
// comes back to the connection's shard.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/group_coordinator.h"
#include "server/api_handler.h"
#include "server/group_shard.h"
#include "server/handlers/shard_call.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

// __consumer_offsets' partition count: the topic's, or offsets.topic.num.partitions before it
// exists.
inline int32_t offsets_partitions(const broker_context& ctx) {
    cluster::image_ptr image = ctx.metadata->current();
    if (const cluster::topic_image* t = image->find(consumer_offsets_topic)) return static_cast<int32_t>(t->partitions.size());
    return group_config_from(ctx.settings.properties).offsets_topic_partitions;
}

inline int32_t group_partition(const broker_context& ctx, std::string_view group_id) {
    return coordinator::partition_for(group_id, offsets_partitions(ctx));
}

inline net::shard_id group_shard_of(const broker_context& ctx, int32_t partition) {
    return ctx.owner_of(consumer_offsets_topic, partition);
}

// Runs start(coordinator, done) on the shard owning __consumer_offsets-<partition> and resumes
// (on the caller's shard) with the value passed to done. The owner first catches up with the
// current metadata image, so a partition created a moment ago is loaded before it is asked.
template <typename Result, typename Start>
asio::awaitable<Result> call_coordinator(const broker_context& ctx, int32_t partition, Start start) {
    co_return co_await call_on_shard<Result>(ctx, group_shard_of(ctx, partition), [&](shard_partitions& shard, auto done) {
        shard.find(consumer_offsets_topic, partition); // catch up with the image (loads the partition)
        start(shard.groups().coordinator(), std::move(done));
    });
}

// The topics of the current metadata image as KIP-848 consumer groups see them (name → id and
// partition count), passed with each ConsumerGroupHeartbeat / ConsumerGroupDescribe.
inline coordinator::topics_snapshot consumer_group_topics(const broker_context& ctx) {
    cluster::image_ptr image = ctx.metadata->current();
    auto topics = std::make_shared<std::remove_const_t<coordinator::topics_snapshot::element_type>>();
    for (const auto& [name, t] : image->topics())
        topics->emplace(name, coordinator::topic_metadata{t->id, static_cast<int32_t>(t->partitions.size())});
    return topics;
}

// The host part of "ip:port" as Kafka shows a member's host ("/ip").
inline std::string client_host(const net::connection_info& c) {
    std::string_view peer = c.peer;
    if (auto colon = peer.rfind(':'); colon != std::string_view::npos) peer = peer.substr(0, colon);
    if (peer.size() >= 2 && peer.front() == '[' && peer.back() == ']') peer = peer.substr(1, peer.size() - 2);
    return "/" + std::string(peer);
}

} // namespace sluice::server::handlers
