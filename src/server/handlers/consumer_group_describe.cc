// ConsumerGroupDescribe (key 69), v0 (KIP-848): each group asked of its coordinator
// (group_routing.h), answers in request order; topic names from the current metadata image.
// Authorized operations, when asked, are every group operation (no authorizer): READ 3,
// DELETE 6, DESCRIBE 8.
#include "server/handlers/admin_rules.h"
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

inline constexpr int32_t group_operations_allowed = operation_bits({3, 6, 8});

asio::awaitable<handler_outcome> handle(request& r) {
    msg::consumer_group_describe_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::consumer_group_describe_response response;
    const int16_t version = r.version;
    coordinator::topics_snapshot topics = consumer_group_topics(r.ctx);
    for (const std::string& group_id : req.group_ids) {
        const int32_t partition = group_partition(r.ctx, group_id);
        auto described = co_await call_coordinator<msg::consumer_group_describe_response::described_group>(
            r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
                gc.consumer_group_describe(version, group_id, topics, std::move(done));
            });
        if (req.include_authorized_operations && described.error_code == error_code::none)
            described.authorized_operations = group_operations_allowed;
        response.groups.push_back(std::move(described));
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::consumer_group_describe_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code;
}

} // namespace

const api_handler consumer_group_describe{69, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
