// TxnOffsetCommit (key 28), v0-5: a transactional producer's offsets (KIP-98), routed to the
// group's coordinator (group_routing.h) like OffsetCommit. As Kafka 4.0
// (KafkaApis.handleTxnOffsetCommitRequest), partitions of topics that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION here and never reach the coordinator; the response lists the
// topics in request order. The coordinator writes the offsets as one transactional batch of the
// producer; they count once the transaction's COMMIT marker is in __consumer_offsets.
// Not yet (Kafka 4.0 does them): authorization of the transactional id and the group, and
// KIP-890's check with the transaction coordinator that the producer's transaction holds the
// group's partition (AddOffsetsToTxn) before the batch is written.
#include "server/handlers/commit_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::txn_offset_commit_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const int16_t version = r.version;
    auto response = co_await commit_known_topics<msg::txn_offset_commit_response>(
        r, std::move(req), [version](coordinator::group_coordinator& gc, msg::txn_offset_commit_request known, auto done) {
            gc.txn_offset_commit(version, std::move(known), std::move(done));
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::txn_offset_commit_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code; // no top-level error field: an unsupported version gets the empty response
}

} // namespace

const api_handler txn_offset_commit{28, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
