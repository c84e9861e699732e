// OffsetFetch (key 9), v1-9: each group routed to its coordinator (group_routing.h). v1-7 ask
// for one group in the top-level fields; the handler asks the coordinator in the v8+ group
// shape and converts back. A group-level error goes in the top-level error (v2-7), or, in v1,
// which has none, into every requested partition (Kafka's OffsetFetchRequest.getErrorResponse).
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using group_request = msg::offset_fetch_request::offset_fetch_request_group;
using group_response = msg::offset_fetch_response::offset_fetch_response_group;

asio::awaitable<group_response> fetch_group(const request& r, const group_request& group, bool require_stable) {
    const int32_t partition = group_partition(r.ctx, group.group_id);
    const int16_t version = r.version;
    co_return co_await call_coordinator<group_response>(r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
        gc.offset_fetch(version, group, require_stable, std::move(done));
    });
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::offset_fetch_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::offset_fetch_response response;
    if (r.version >= 8) {
        for (const auto& group : req.groups) response.groups.push_back(co_await fetch_group(r, group, req.require_stable));
        co_return respond(r, response);
    }
    group_request group;
    group.group_id = req.group_id;
    if (req.topics) {
        group.topics.emplace();
        for (const auto& t : *req.topics) {
            msg::offset_fetch_request::offset_fetch_request_topics topic;
            topic.name = t.name;
            topic.partition_indexes = t.partition_indexes;
            group.topics->push_back(std::move(topic));
        }
    } else {
        group.topics.reset();
    }
    group_response answer = co_await fetch_group(r, group, req.require_stable);
    if (answer.error_code != error_code::none && r.version < 2) {
        // v1: the error in every requested partition.
        if (req.topics)
            for (const auto& t : *req.topics) {
                msg::offset_fetch_response::offset_fetch_response_topic topic;
                topic.name = t.name;
                for (auto index : t.partition_indexes) {
                    msg::offset_fetch_response::offset_fetch_response_partition p;
                    p.partition_index = index;
                    p.committed_offset = model::offset{-1};
                    p.metadata = "";
                    p.error_code = answer.error_code;
                    topic.partitions.push_back(std::move(p));
                }
                response.topics.push_back(std::move(topic));
            }
        co_return respond(r, response);
    }
    response.error_code = answer.error_code;
    if (answer.error_code == error_code::none)
        for (auto& t : answer.topics) {
            msg::offset_fetch_response::offset_fetch_response_topic topic;
            topic.name = std::move(t.name);
            for (auto& p : t.partitions) {
                msg::offset_fetch_response::offset_fetch_response_partition out;
                out.partition_index = p.partition_index;
                out.committed_offset = p.committed_offset;
                out.committed_leader_epoch = p.committed_leader_epoch;
                out.metadata = std::move(p.metadata);
                out.error_code = p.error_code;
                topic.partitions.push_back(std::move(out));
            }
            response.topics.push_back(std::move(topic));
        }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::offset_fetch_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler offset_fetch{9, 1, 9, handle, error_response};

} // namespace sluice::server::handlers
