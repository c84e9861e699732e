// DeleteGroups (key 42), v0-2: each group deleted by its coordinator (group_routing.h), results
// in request order.
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::delete_groups_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::delete_groups_response response;
    const int16_t version = r.version;
    for (const std::string& group_id : req.groups_names) {
        const int32_t partition = group_partition(r.ctx, group_id);
        response.results.push_back(co_await call_coordinator<msg::delete_groups_response::deletable_group_result>(
            r.ctx, partition,
            [&](coordinator::group_coordinator& gc, auto done) { gc.delete_group(version, group_id, std::move(done)); }));
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::delete_groups_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code;
}

} // namespace

const api_handler delete_groups{42, 0, 2, handle, error_response};

} // namespace sluice::server::handlers
