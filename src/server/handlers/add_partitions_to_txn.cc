// AddPartitionsToTxn (key 24), v0-5: a transactional producer adds partitions to its
// transaction (KIP-98), routed to the transaction coordinator of its id (txn_routing.h). v4+
// (KIP-890, broker to broker) batches transactions: each goes to its own coordinator's shard,
// and the results come back in request order. As Kafka 4.0
// (KafkaApis.handleAddPartitionsToTxnRequest), a transaction naming a partition the metadata
// does not have is answered here: UNKNOWN_TOPIC_OR_PARTITION for those partitions and
// OPERATION_NOT_ATTEMPTED for the others, and never reaches the coordinator.
// v5 is served as v4 (transaction version 2 is not implemented). Not yet: authorization
// (WRITE on the transactional id and the topics, CLUSTER_ACTION for v4+).
#include <map>

#include "server/handlers/handlers.h"
#include "server/handlers/txn_routing.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using request_topic = msg::add_partitions_to_txn_request::add_partitions_to_txn_topic;
using topic_result = msg::add_partitions_to_txn_response::add_partitions_to_txn_topic_result;
using transaction_result = msg::add_partitions_to_txn_response::add_partitions_to_txn_result;

bool partition_exists(const cluster::metadata_image& image, const std::string& topic, model::partition_id p) {
    const cluster::topic_image* t = image.find(topic);
    return t != nullptr && p.value() >= 0 && static_cast<size_t>(p.value()) < t->partitions.size();
}

// The answer to a transaction naming unknown partitions, or nullopt when all exist.
std::optional<std::vector<topic_result>> refused_for_unknown(const cluster::metadata_image& image,
                                                             const std::vector<request_topic>& topics) {
    bool unknown = false;
    for (const auto& t : topics)
        for (auto p : t.partitions) unknown = unknown || !partition_exists(image, t.name, p);
    if (!unknown) return std::nullopt;
    std::vector<topic_result> out;
    std::map<std::string, size_t> at; // a topic named twice is answered once
    for (const auto& t : topics) {
        auto [it, added] = at.emplace(t.name, out.size());
        if (added) out.emplace_back().name = t.name;
        for (auto p : t.partitions) {
            auto& r = out[it->second].results_by_partition.emplace_back();
            r.partition_index = p;
            r.partition_error_code = partition_exists(image, t.name, p) ? error_code::operation_not_attempted
                                                                        : error_code::unknown_topic_or_partition;
        }
    }
    return out;
}

asio::awaitable<handler_outcome> handle_v3_and_below(request& r, msg::add_partitions_to_txn_request& req) {
    msg::add_partitions_to_txn_response response;
    if (auto refused = refused_for_unknown(*r.ctx.metadata->current(), req.v3_and_below_topics)) {
        response.results_by_topic_v3_and_below = std::move(*refused);
        co_return respond(r, response);
    }
    const int32_t partition = transaction_partition(r.ctx, req.v3_and_below_transactional_id);
    const int16_t version = r.version;
    response = co_await call_transaction_coordinator<msg::add_partitions_to_txn_response>(
        r.ctx, partition, [&](txn::transaction_coordinator& tc, auto done) {
            tc.add_partitions_to_txn(version, req, std::move(done));
        });
    co_return respond(r, response);
}

// The transactions `indexes` of a v4+ request, on the shard owning their partitions of
// __transaction_state: all started at once, resumed when every one is answered.
asio::awaitable<void> add_on_shard(const broker_context& ctx, net::shard_id shard, int16_t version,
                                   const msg::add_partitions_to_txn_request& req, const std::vector<size_t>& indexes,
                                   std::vector<transaction_result>& results) {
    using answers = std::vector<transaction_result>;
    answers got = co_await call_on_shard<answers>(ctx, shard, [&](shard_partitions& s, auto done) {
        struct gather {
            answers results;
            size_t left = 0;
        };
        auto g = std::make_shared<gather>();
        g->results.resize(indexes.size());
        g->left = indexes.size();
        for (size_t k = 0; k < indexes.size(); ++k) {
            const auto& t = req.transactions[indexes[k]];
            const int32_t partition = transaction_partition(ctx, t.transactional_id);
            s.find(transaction_state_topic, partition); // catch up with the image (loads the partition)
            s.txns().coordinator().add_partitions_one(version, t, [g, k, done](transaction_result result) {
                g->results[k] = std::move(result);
                if (--g->left == 0) done(std::move(g->results));
            });
        }
    });
    for (size_t k = 0; k < indexes.size(); ++k) results[indexes[k]] = std::move(got[k]);
}

asio::awaitable<handler_outcome> handle_batched(request& r, msg::add_partitions_to_txn_request& req) {
    msg::add_partitions_to_txn_response response;
    response.results_by_transaction.resize(req.transactions.size());
    cluster::image_ptr image = r.ctx.metadata->current();
    std::map<net::shard_id, std::vector<size_t>> by_shard;
    for (size_t i = 0; i < req.transactions.size(); ++i) {
        const auto& t = req.transactions[i];
        if (auto refused = refused_for_unknown(*image, t.topics)) {
            response.results_by_transaction[i].transactional_id = t.transactional_id;
            response.results_by_transaction[i].topic_results = std::move(*refused);
            continue;
        }
        by_shard[r.ctx.owner_of(transaction_state_topic, transaction_partition(r.ctx, t.transactional_id))].push_back(i);
    }
    const int16_t version = r.version;
    for (const auto& [shard, indexes] : by_shard)
        co_await add_on_shard(r.ctx, shard, version, req, indexes, response.results_by_transaction);
    co_return respond(r, response);
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::add_partitions_to_txn_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    if (r.version <= 3) co_return co_await handle_v3_and_below(r, req);
    co_return co_await handle_batched(r, req);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::add_partitions_to_txn_response response;
    if (version >= 4) response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler add_partitions_to_txn{24, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
