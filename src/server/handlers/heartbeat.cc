// Heartbeat (key 12), v0-4: routed to the group's coordinator (group_routing.h).
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::heartbeat_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const int32_t partition = group_partition(r.ctx, req.group_id);
    const int16_t version = r.version;
    auto response = co_await call_coordinator<msg::heartbeat_response>(
        r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) { gc.heartbeat(version, req, std::move(done)); });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::heartbeat_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler heartbeat{12, 0, 4, handle, error_response};

} // namespace sluice::server::handlers
