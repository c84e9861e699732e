// EndTxn (key 26), v0-5: commit or abort a transaction (KIP-98), routed to the transaction
// coordinator of its id (txn_routing.h). Answered once PrepareCommit/PrepareAbort is durable in
// __transaction_state; the COMMIT/ABORT markers (txn_shard's marker writer) and the
// CompleteCommit/CompleteAbort record follow. v5 answers the transaction's own producer id and
// epoch (transaction version 2, KIP-890 part 2, is not implemented). Not yet: authorization.
#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::end_txn_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const int32_t partition = transaction_partition(r.ctx, req.transactional_id);
    const int16_t version = r.version;
    auto response = co_await call_transaction_coordinator<msg::end_txn_response>(
        r.ctx, partition, [&](txn::transaction_coordinator& tc, auto done) { tc.end_txn(version, req, std::move(done)); });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::end_txn_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler end_txn{26, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
