// InitProducerId (key 22), v0-5. Without a transactional id (an idempotent producer) any broker
// answers: a new producer id from this shard's pool, epoch 0 — Kafka's rule, whatever id and
// epoch a v3+ request carries (KIP-360 bumps only concern transactional ids). With one, the
// transaction coordinator of the id's __transaction_state partition answers (txn_routing.h;
// NOT_COORDINATOR until FindCoordinator created the topic, as Kafka).
#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "protocol/generated/api_022_init_producer_id.h"
#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"
#include "server/producer_id_pool.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

struct allocated {
    error_code error = error_code::none;
    model::producer_id id = model::no_producer_id;
};

asio::awaitable<allocated> next_producer_id(producer_id_pool& pool) {
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(allocated)>(
        [&pool, executor](auto handler) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            // done runs on this shard, possibly inside next(): post to resume outside it.
            pool.next([executor, shared](error_code e, model::producer_id id) {
                asio::post(executor, [shared, e, id]() mutable { (*shared)(allocated{e, id}); });
            });
        },
        asio::use_awaitable);
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::init_producer_id_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::init_producer_id_response response;
    response.producer_id = model::no_producer_id;
    response.producer_epoch = model::no_producer_epoch;
    if (req.transactional_id) {
        const int32_t partition = transaction_partition(r.ctx, *req.transactional_id);
        const int16_t version = r.version;
        response = co_await call_transaction_coordinator<msg::init_producer_id_response>(
            r.ctx, partition, [&](txn::transaction_coordinator& tc, auto done) {
                tc.init_producer_id(version, req, std::move(done));
            });
        co_return respond(r, response);
    }
    allocated a = co_await next_producer_id(r.ctx.partitions[net::this_shard()]->producer_ids());
    response.error_code = a.error;
    if (a.error == error_code::none) {
        response.producer_id = a.id;
        response.producer_epoch = model::producer_epoch(0);
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::init_producer_id_response response;
    response.error_code = code;
    response.producer_id = model::no_producer_id;
    response.producer_epoch = model::no_producer_epoch;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler init_producer_id{22, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
