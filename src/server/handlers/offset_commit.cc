// OffsetCommit (key 8), v2-9: routed to the group's coordinator (group_routing.h). As Kafka 4.0
// (KafkaApis.handleOffsetCommitRequest), partitions of topics that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION here and never reach the coordinator; the response lists the
// topics in request order.
#include <map>

#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::offset_commit_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<std::string> order;
    std::map<std::string, msg::offset_commit_response::offset_commit_response_topic> unknown;
    std::vector<msg::offset_commit_request::offset_commit_request_topic> known;
    for (auto& topic : req.topics) {
        order.push_back(topic.name);
        if (image->find(topic.name)) {
            known.push_back(std::move(topic));
            continue;
        }
        auto& out = unknown[topic.name];
        out.name = topic.name;
        for (const auto& p : topic.partitions) {
            msg::offset_commit_response::offset_commit_response_partition e;
            e.partition_index = p.partition_index;
            e.error_code = error_code::unknown_topic_or_partition;
            out.partitions.push_back(e);
        }
    }
    req.topics = std::move(known);
    msg::offset_commit_response response;
    if (!req.topics.empty() || unknown.empty()) {
        const int32_t partition = group_partition(r.ctx, req.group_id);
        const int16_t version = r.version;
        response = co_await call_coordinator<msg::offset_commit_response>(
            r.ctx, partition,
            [&](coordinator::group_coordinator& gc, auto done) { gc.offset_commit(version, std::move(req), std::move(done)); });
    }
    if (!unknown.empty()) {
        std::map<std::string, msg::offset_commit_response::offset_commit_response_topic> answered;
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
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::offset_commit_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code; // no top-level error field: an unsupported version gets the empty response
}

} // namespace

const api_handler offset_commit{8, 2, 9, handle, error_response};

} // namespace sluice::server::handlers
