// JoinGroup (key 11), v0-9: routed to the group's coordinator (group_routing.h), which applies
// Kafka's classic protocol (coordinator::group_coordinator). The member's client id and host
// (DescribeGroups shows them) come from the request header and the connection.
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::join_group_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    coordinator::client_info client{r.header.client_id.value_or(""), client_host(r.connection)};
    const int32_t partition = group_partition(r.ctx, req.group_id);
    const int16_t version = r.version;
    auto response = co_await call_coordinator<msg::join_group_response>(
        r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
            gc.join_group(version, std::move(req), std::move(client), std::move(done));
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::join_group_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler join_group{11, 0, 9, handle, error_response};

} // namespace sluice::server::handlers
