// FindCoordinator (key 10), v0-6. A cluster of one: the coordinator of every group is this
// broker. As Kafka (KafkaApis.getCoordinator), the first request for a group creates
// __consumer_offsets (offsets.topic.num.partitions partitions, replication factor
// offsets.topic.replication.factor capped at the live brokers, cleanup.policy=compact,
// compression.type=producer, segment.bytes=offsets.topic.segment.bytes). Sluice waits for the
// creation to commit and then answers with the coordinator, where Kafka answers
// COORDINATOR_NOT_AVAILABLE and lets the client ask again. The first TRANSACTION request
// creates __transaction_state the same way (transaction.state.log.num.partitions,
// cleanup.policy=compact, compression.type=uncompressed, min.insync.replicas =
// transaction.state.log.min.isr capped at the replication factor (Kafka's default 2 would make
// a one-node cluster's transaction log unwritable), unclean.leader.election.enable=false,
// segment.bytes=transaction.state.log.segment.bytes). An unknown key type is INVALID_REQUEST.
// v4+ batches keys (KIP-699): one coordinator entry per key.
#include <algorithm>

#include "protocol/generated/api_010_find_coordinator.h"
#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"
#include "server/txn_shard.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

constexpr int8_t key_type_group = 0;
constexpr int8_t key_type_transaction = 1;

struct answer {
    error_code code = error_code::none;
    std::optional<std::string> message;
};

std::string property(const storage::properties& p, std::string_view key, std::string fallback) {
    auto it = p.find(key);
    return it == p.end() ? fallback : it->second;
}

// The internal topic exists afterwards, or the reason it does not.
asio::awaitable<answer> ensure_internal_topic(const request& r, cluster::new_topic topic) {
    if (r.ctx.metadata->current()->find(topic.name)) co_return answer{};
    if (!r.ctx.controller) co_return answer{error_code::coordinator_not_available, "No metadata quorum is running."};
    std::vector<cluster::new_topic> topics;
    topics.push_back(std::move(topic));
    auto results = co_await controller_call<std::vector<cluster::create_topic_result>>(
        [&](auto done) { r.ctx.controller->create_topics(std::move(topics), false, std::move(done)); });
    if (results.empty()) co_return answer{error_code::coordinator_not_available, std::nullopt};
    const cluster::admin_error& e = results.front().error;
    if (e.code == error_code::none || e.code == error_code::topic_already_exists) co_return answer{};
    co_return answer{error_code::coordinator_not_available, e.message};
}

cluster::new_topic offsets_topic(const storage::properties& p) {
    cluster::new_topic topic;
    topic.name = std::string(consumer_offsets_topic);
    topic.num_partitions = group_config_from(p).offsets_topic_partitions;
    topic.replication_factor = 1; // min(offsets.topic.replication.factor, live brokers)
    topic.configs = {{"cleanup.policy", "compact"},
                     {"compression.type", "producer"},
                     {"segment.bytes", property(p, "offsets.topic.segment.bytes", "104857600")}};
    return topic;
}

// Kafka's TransactionStateManager.transactionTopicConfigs.
cluster::new_topic transaction_topic(const storage::properties& p) {
    cluster::new_topic topic;
    topic.name = std::string(transaction_state_topic);
    topic.num_partitions = txn_config_from(p).state_partitions;
    topic.replication_factor = 1; // min(transaction.state.log.replication.factor, live brokers)
    const int64_t min_isr = std::clamp<int64_t>(storage::property_int(p, "transaction.state.log.min.isr", 2), 1,
                                                topic.replication_factor);
    topic.configs = {{"cleanup.policy", "compact"},
                     {"compression.type", "uncompressed"},
                     {"min.insync.replicas", std::to_string(min_isr)},
                     {"unclean.leader.election.enable", "false"},
                     {"segment.bytes", property(p, "transaction.state.log.segment.bytes", "104857600")}};
    return topic;
}

asio::awaitable<answer> find(const request& r, int8_t key_type) {
    if (key_type == key_type_transaction) co_return co_await ensure_internal_topic(r, transaction_topic(r.ctx.settings.properties));
    if (key_type != key_type_group) co_return answer{error_code::invalid_request, "Invalid coordinator type: " + std::to_string(key_type)};
    co_return co_await ensure_internal_topic(r, offsets_topic(r.ctx.settings.properties));
}

template <typename Out>
void fill(const request& r, const answer& a, Out& out) {
    out.error_code = a.code;
    // Kafka sends Errors.message(): "NONE" on success, else the exception's message.
    out.error_message = a.code == error_code::none ? std::string("NONE")
                        : a.message              ? *a.message
                                                 : std::string(protocol::describe(a.code).message);
    if (a.code == error_code::none) {
        out.node_id = model::node_id{r.broker.node_id};
        out.host = r.broker.advertised_host;
        out.port = r.broker.advertised_port;
    } else {
        out.node_id = model::node_id{-1};
        out.host = "";
        out.port = -1;
    }
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::find_coordinator_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::find_coordinator_response response;
    if (r.version < 4) {
        answer a = co_await find(r, req.key_type);
        fill(r, a, response);
        co_return respond(r, response);
    }
    // One answer per key type: the creation of the internal topic happens at most once.
    answer a = co_await find(r, req.key_type);
    for (const std::string& key : req.coordinator_keys) {
        msg::find_coordinator_response::coordinator c;
        c.key = key;
        fill(r, a, c);
        response.coordinators.push_back(std::move(c));
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::find_coordinator_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler find_coordinator{10, 0, 6, handle, error_response};

} // namespace sluice::server::handlers
