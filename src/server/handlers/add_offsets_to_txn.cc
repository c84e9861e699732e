// AddOffsetsToTxn (key 25), v0-4: a transactional producer adds the group's partition of
// __consumer_offsets to its transaction before TxnOffsetCommit (KIP-98), routed to the
// transaction coordinator of its id (txn_routing.h). Not yet: authorization (WRITE on the
// transactional id, READ on the group).
#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::add_offsets_to_txn_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const int32_t partition = transaction_partition(r.ctx, req.transactional_id);
    const int16_t version = r.version;
    auto response = co_await call_transaction_coordinator<msg::add_offsets_to_txn_response>(
        r.ctx, partition, [&](txn::transaction_coordinator& tc, auto done) {
            tc.add_offsets_to_txn(version, req, std::move(done));
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::add_offsets_to_txn_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler add_offsets_to_txn{25, 0, 4, handle, error_response};

} // namespace sluice::server::handlers
