// Metadata (key 3), v0-12. A cluster of one: this broker is the only broker and the
// controller; topics and partitions come from the metadata image.
//
// Kafka 4.0's rules (KafkaApis.handleTopicMetadataRequest):
//  - every topic: topics null (v1+) or an empty list in v0; by name otherwise; by id from v12
//    (any non-zero id: names are ignored). v10-11 with a null name or an id: INVALID_REQUEST for
//    the whole request.
//  - an unknown name: INVALID_TOPIC_EXCEPTION when the name is illegal, else
//    UNKNOWN_TOPIC_OR_PARTITION; an unknown id: UNKNOWN_TOPIC_ID (name null).
//  - auto-creation (auto.create.topics.enable, allow_auto_topic_creation, v0-3 always) of an
//    unknown legal name through the controller with num.partitions and
//    default.replication.factor; the answer for that topic is still UNKNOWN_TOPIC_OR_PARTITION,
//    as Kafka 4.0's broker answers while its creation request is on the way (clients retry).
//    Sluice waits for the creation to commit before answering, so the retry finds the topic.
//    Deviation: internal topics are never auto-created here (their coordinators create them
//    with their own settings); Kafka creates them on Metadata too.
//  - authorized operations (v8+, when asked): everything the resource type supports, as Kafka
//    without an authorizer.
#include <algorithm>

#include "base/log.h"
#include "protocol/generated/api_003_metadata.h"
#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using response_topic = msg::metadata_response::metadata_response_topic;

response_topic known_topic(const cluster::topic_image& t) {
    response_topic out;
    out.name = t.name;
    out.topic_id = t.id;
    out.is_internal = is_internal_topic(t.name);
    out.partitions.reserve(t.partitions.size());
    for (size_t i = 0; i < t.partitions.size(); ++i) {
        const cluster::partition_image& p = t.partitions[i];
        msg::metadata_response::metadata_response_partition part;
        part.partition_index = model::partition_id{static_cast<int32_t>(i)};
        part.leader_id = model::node_id{p.leader};
        // No live leader: Kafka's KRaftMetadataCache answers LEADER_NOT_AVAILABLE.
        if (p.leader < 0) part.error_code = error_code::leader_not_available;
        part.leader_epoch = model::leader_epoch{p.leader_epoch};
        for (int32_t n : p.replicas) part.replica_nodes.emplace_back(n);
        for (int32_t n : p.isr) part.isr_nodes.emplace_back(n);
        out.partitions.push_back(std::move(part));
    }
    return out;
}

response_topic topic_error(error_code code, std::optional<std::string> name, uuid id = {}) {
    response_topic out;
    out.error_code = code;
    out.is_internal = name && is_internal_topic(*name);
    out.name = std::move(name);
    out.topic_id = id;
    return out;
}

msg::metadata_response cluster_of_one(const request& r) {
    msg::metadata_response response;
    msg::metadata_response::metadata_response_broker self;
    self.node_id = r.broker.node_id;
    self.host = r.broker.advertised_host;
    self.port = r.broker.advertised_port;
    self.rack = r.broker.rack;
    response.brokers.push_back(std::move(self));
    response.cluster_id = r.broker.cluster_id;
    response.controller_id = r.broker.node_id;
    return response;
}

// MetadataRequest.getErrorResponse: each requested topic with `code`, nothing else.
msg::metadata_response whole_request_error(const msg::metadata_request& req, error_code code) {
    msg::metadata_response response;
    for (const auto& t : req.topics.value_or(std::vector<msg::metadata_request::metadata_request_topic>{})) {
        response_topic out = topic_error(code, t.name.value_or(""), t.topic_id);
        out.is_internal = false;
        response.topics.push_back(std::move(out));
    }
    return response;
}

// Creates `names` with the broker's defaults; failures are logged, as Kafka's
// AutoTopicCreationManager does (the client only sees the topic appear, or not).
asio::awaitable<void> auto_create(const request& r, std::vector<std::string> names) {
    if (r.ctx.controller == nullptr) co_return;
    std::vector<cluster::new_topic> topics;
    for (auto& name : names) {
        cluster::new_topic t;
        t.name = std::move(name);
        t.num_partitions = r.ctx.settings.num_partitions;
        t.replication_factor = r.ctx.settings.default_replication_factor;
        topics.push_back(std::move(t));
    }
    auto results = co_await controller_call<std::vector<cluster::create_topic_result>>(
        [&](auto done) { r.ctx.controller->create_topics(std::move(topics), false, std::move(done)); });
    for (const auto& res : results) {
        if (res.error.ok())
            log::info("auto-created topic {} ({} partition(s))", res.name, res.num_partitions);
        else if (res.error.code != error_code::topic_already_exists)
            log::warn("auto-creation of topic {} failed: {} {}", res.name, protocol::name(res.error.code),
                      res.error.message.value_or(""));
    }
}

// The topics asked for by id (v12+). Kafka lists unknown ids first.
void by_id(const msg::metadata_request& req, const cluster::metadata_image& image, msg::metadata_response& response) {
    std::vector<uuid> seen;
    std::vector<response_topic> known;
    for (const auto& t : *req.topics) {
        if (t.topic_id.is_zero() || std::find(seen.begin(), seen.end(), t.topic_id) != seen.end()) continue;
        seen.push_back(t.topic_id);
        if (const cluster::topic_image* found = image.find(t.topic_id))
            known.push_back(known_topic(*found));
        else
            response.topics.push_back(topic_error(error_code::unknown_topic_id, std::nullopt, t.topic_id));
    }
    for (auto& t : known) response.topics.push_back(std::move(t));
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::metadata_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const bool all_topics = !req.topics || (r.version == 0 && req.topics->empty());
    if (!all_topics && r.version < 12) {
        for (const auto& t : *req.topics)
            if (!t.name || !t.topic_id.is_zero()) co_return respond(r, whole_request_error(req, error_code::invalid_request));
    }
    cluster::image_ptr image = r.ctx.metadata->current();
    msg::metadata_response response = cluster_of_one(r);
    bool use_ids = false;
    if (!all_topics)
        for (const auto& t : *req.topics) use_ids |= !t.topic_id.is_zero();

    if (all_topics) {
        for (const auto& [name, topic] : image->topics()) response.topics.push_back(known_topic(*topic));
    } else if (use_ids) {
        by_id(req, *image, response);
    } else {
        // Kafka reads the names into a set: each is answered once. Known topics come first.
        std::vector<std::string> names;
        for (const auto& t : *req.topics)
            if (std::find(names.begin(), names.end(), *t.name) == names.end()) names.push_back(*t.name);
        std::vector<response_topic> unknown;
        std::vector<std::string> to_create;
        const bool may_create = r.ctx.settings.auto_create_topics && req.allow_auto_topic_creation;
        for (const std::string& name : names) {
            if (const cluster::topic_image* found = image->find(name)) {
                response.topics.push_back(known_topic(*found));
                continue;
            }
            const bool legal = !cluster::controller::validate_topic_name(name).has_value();
            unknown.push_back(topic_error(legal ? error_code::unknown_topic_or_partition : error_code::invalid_topic_exception, name));
            if (legal && may_create && !is_internal_topic(name)) to_create.push_back(name);
        }
        if (!to_create.empty()) co_await auto_create(r, std::move(to_create));
        for (auto& t : unknown) response.topics.push_back(std::move(t));
    }

    if (r.version >= 8) {
        if (req.include_topic_authorized_operations)
            for (auto& t : response.topics)
                if (t.name) t.topic_authorized_operations = topic_operations_allowed;
        if (r.version <= 10 && req.include_cluster_authorized_operations)
            response.cluster_authorized_operations = cluster_operations_allowed;
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::metadata_response response;
    response.error_code = code; // only on the wire from v13 (KIP-1102)
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler metadata{3, 0, 12, handle, error_response};

} // namespace sluice::server::handlers
