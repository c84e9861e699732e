#pragma once
// OffsetCommit and TxnOffsetCommit share their shape: topics the metadata does not have are
// answered UNKNOWN_TOPIC_OR_PARTITION here, the rest go to the group's coordinator, and the
// answer lists the topics in the request's order.
#include <map>
#include <string>
#include <vector>

#include "server/handlers/group_routing.h"

namespace sluice::server::handlers {

// `commit(coordinator, request, done)` runs on the coordinator's shard with the known topics.
template <typename Response, typename Request, typename Commit>
asio::awaitable<Response> commit_known_topics(request& r, Request req, Commit commit) {
    using response_topic = typename decltype(Response{}.topics)::value_type;
    using response_partition = typename decltype(response_topic{}.partitions)::value_type;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<std::string> order;
    std::map<std::string, response_topic> unknown;
    decltype(req.topics) known;
    for (auto& topic : req.topics) {
        order.push_back(topic.name);
        if (image->find(topic.name)) {
            known.push_back(std::move(topic));
            continue;
        }
        auto& out = unknown[topic.name];
        out.name = topic.name;
        for (const auto& p : topic.partitions) {
            response_partition e;
            e.partition_index = p.partition_index;
            e.error_code = protocol::error_code::unknown_topic_or_partition;
            out.partitions.push_back(e);
        }
    }
    req.topics = std::move(known);
    Response response;
    if (!req.topics.empty() || unknown.empty()) {
        const int32_t partition = group_partition(r.ctx, req.group_id);
        response = co_await call_coordinator<Response>(r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
            commit(gc, std::move(req), std::move(done));
        });
    }
    if (!unknown.empty()) {
        std::map<std::string, response_topic> answered;
        for (auto& t : response.topics) answered[t.name] = std::move(t);
        response.topics.clear();
        for (const std::string& name : order) {
            auto& source = unknown.contains(name) ? unknown : answered;
            auto it = source.find(name);
            if (it == source.end()) continue;
            response.topics.push_back(std::move(it->second));
            source.erase(it);
        }
    }
    co_return response;
}

} // namespace sluice::server::handlers
