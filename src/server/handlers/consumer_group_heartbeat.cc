// ConsumerGroupHeartbeat (key 68), v0 (KIP-848): routed to the group's coordinator
// (group_routing.h) with the topics of the current metadata image; the coordinator applies
// Kafka 4.0's consumer group protocol (coordinator::group_coordinator). v1 (KIP-1082
// client-generated member ids, regular expressions) is not served.
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::consumer_group_heartbeat_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    coordinator::client_info client{r.header.client_id.value_or(""), client_host(r.connection)};
    coordinator::topics_snapshot topics = consumer_group_topics(r.ctx);
    const int32_t partition = group_partition(r.ctx, req.group_id);
    const int16_t version = r.version;
    auto response = co_await call_coordinator<msg::consumer_group_heartbeat_response>(
        r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
            gc.consumer_group_heartbeat(version, std::move(req), std::move(client), std::move(topics), std::move(done));
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::consumer_group_heartbeat_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler consumer_group_heartbeat{68, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
