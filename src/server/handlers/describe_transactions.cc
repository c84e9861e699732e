// DescribeTransactions (key 65), v0 (KIP-664): each transactional id described by its
// coordinator (txn_routing.h), answered in request order; an id this broker does not
// coordinate is NOT_COORDINATOR, an unknown one TRANSACTIONAL_ID_NOT_FOUND (the coordinator's
// answers). Not yet: authorization (DESCRIBE on each id; Kafka answers
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED per id).
#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using described = txn::transaction_coordinator::described_transaction;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_transactions_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::describe_transactions_response response;
    for (const std::string& id : req.transactional_ids) {
        const int32_t partition = transaction_partition(r.ctx, id);
        response.transaction_states.push_back(co_await call_transaction_coordinator<described>(
            r.ctx, partition, [&](txn::transaction_coordinator& tc, auto done) { tc.describe_transaction(id, std::move(done)); }));
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::describe_transactions_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code; // no top-level error field: an unsupported version gets the empty response
}

} // namespace

const api_handler describe_transactions{65, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
