// OffsetDelete (key 47), v0: routed to the group's coordinator (group_routing.h). Partitions of
// topics that do not exist are answered UNKNOWN_TOPIC_OR_PARTITION here, as Kafka 4.0 does.
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::offset_delete_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<msg::offset_delete_response::offset_delete_response_topic> unknown;
    std::vector<msg::offset_delete_request::offset_delete_request_topic> known;
    for (auto& topic : req.topics) {
        if (image->find(topic.name)) {
            known.push_back(std::move(topic));
            continue;
        }
        msg::offset_delete_response::offset_delete_response_topic out;
        out.name = topic.name;
        for (const auto& p : topic.partitions) {
            msg::offset_delete_response::offset_delete_response_partition e;
            e.partition_index = p.partition_index;
            e.error_code = error_code::unknown_topic_or_partition;
            out.partitions.push_back(e);
        }
        unknown.push_back(std::move(out));
    }
    req.topics = std::move(known);
    const int32_t partition = group_partition(r.ctx, req.group_id);
    const int16_t version = r.version;
    auto response = co_await call_coordinator<msg::offset_delete_response>(
        r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) { gc.offset_delete(version, req, std::move(done)); });
    if (response.error_code == error_code::none)
        for (auto& t : unknown) response.topics.push_back(std::move(t));
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::offset_delete_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler offset_delete{47, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
