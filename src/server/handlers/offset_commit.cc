// OffsetCommit (key 8), v2-9: routed to the group's coordinator (group_routing.h). As Kafka 4.0
// (KafkaApis.handleOffsetCommitRequest), partitions of topics that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION here and never reach the coordinator; the response lists the
// topics in request order.
#include "server/handlers/commit_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::offset_commit_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const int16_t version = r.version;
    auto response = co_await commit_known_topics<msg::offset_commit_response>(
        r, std::move(req), [version](coordinator::group_coordinator& gc, msg::offset_commit_request known, auto done) {
            gc.offset_commit(version, std::move(known), std::move(done));
        });
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
