// ListTransactions (key 66), v0-1 (KIP-664; v1 adds the duration filter, KIP-994): the
// transactions of every shard's coordinator, gathered and sorted by transactional id;
// COORDINATOR_LOAD_IN_PROGRESS (and none listed) while a shard is still loading a partition of
// __transaction_state, as Kafka answers; unknown state names are echoed in
// unknown_state_filters. Not yet: authorization (DESCRIBE on each id filters the list).
#include <algorithm>

#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using listed = txn::transaction_coordinator::listed_transaction;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::list_transactions_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::list_transactions_response response;
    response.unknown_state_filters = txn::transaction_coordinator::unknown_state_filters(req.state_filters);
    std::vector<net::shard_id> shards;
    for (net::shard_id s = 0; s < r.ctx.shards->count(); ++s) shards.push_back(s);
    std::vector<std::vector<listed>> per_shard(shards.size());
    std::vector<uint8_t> loading(shards.size(), 0); // one slot per shard: no shared writes
    const int64_t duration_filter = r.version >= 1 ? req.duration_filter : -1;
    co_await for_each_shard(*r.ctx.shards, shards, [&](net::shard_id s) -> asio::awaitable<void> {
        txn::transaction_coordinator& tc = r.ctx.partitions[s]->txns().coordinator();
        if (tc.loading()) {
            loading[s] = 1;
            co_return;
        }
        per_shard[s] = tc.list_transactions(req.state_filters, req.producer_id_filters, duration_filter);
    });
    if (std::find(loading.begin(), loading.end(), 1) != loading.end()) {
        response.error_code = error_code::coordinator_load_in_progress;
        co_return respond(r, response);
    }
    for (auto& list : per_shard)
        for (auto& t : list) response.transaction_states.push_back(std::move(t));
    std::sort(response.transaction_states.begin(), response.transaction_states.end(),
              [](const auto& a, const auto& b) { return a.transactional_id < b.transactional_id; });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::list_transactions_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler list_transactions{66, 0, 1, handle, error_response};

} // namespace sluice::server::handlers
