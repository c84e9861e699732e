#include "golden/fake_broker.h"

#include "golden/fake_broker_util.h"
#include "protocol/generated/all_messages.h"

namespace sluice::golden {

namespace msg = protocol::msg;
using protocol::error_code;

namespace {
constexpr const char* host = "127.0.0.1";
} // namespace

handler_reply fake_broker::handle(const inbound_request& request) {
    switch (request.api->key) {
    case 0: return produce(request);
    case 1: return fetch(request);
    case 2: return list_offsets(request);
    case 3: return metadata(request);
    case 8: return offset_commit(request);
    case 9: return offset_fetch(request);
    case 10: return find_coordinator(request);
    case 11: return join_group(request);
    case 12: return heartbeat(request);
    case 13: return leave_group(request);
    case 14: return sync_group(request);
    case 18: return api_versions(request);
    case 22: return init_producer_id(request);
    default: return handler_reply::close();
    }
}

fake_broker::topic& fake_broker::topic_named(const std::string& name) {
    auto [it, created] = _topics.try_emplace(name);
    if (created) {
        it->second.id = uuid::random();
        it->second.partitions.resize(_options.partitions_per_topic);
    }
    return it->second;
}

const std::string* fake_broker::topic_name_of(const uuid& id) const {
    for (const auto& [name, t] : _topics)
        if (t.id == id) return &name;
    return nullptr;
}

fake_broker::partition_log* fake_broker::find_partition(const std::string& name, int32_t partition) {
    auto it = _topics.find(name);
    if (it == _topics.end() || partition < 0 || partition >= static_cast<int32_t>(it->second.partitions.size()))
        return nullptr;
    return &it->second.partitions[partition];
}

handler_reply fake_broker::api_versions(const inbound_request& request) {
    msg::api_versions_response response;
    for (const protocol::api_info& api : protocol::all_apis()) {
        if (!api.advertised) continue;
        auto& entry = response.api_keys.emplace_back();
        entry.api_key = api.key;
        entry.min_version = api.min_version;
        entry.max_version = api.max_version;
    }
    if (!request.api->supports(request.api_version)) {
        // KIP-511: a client newer than the broker gets the versions in v0, and retries.
        response.error_code = error_code::unsupported_version;
        return handler_reply::respond(response.encode(0));
    }
    // Only checks that the body decodes: the fields matter to the tests, not to the answer.
    if (!decode_request<msg::api_versions_request>(request)) return handler_reply::close();
    return reply_with(response, request);
}

handler_reply fake_broker::metadata(const inbound_request& request) {
    auto decoded = decode_request<msg::metadata_request>(request);
    if (!decoded) return handler_reply::close();
    // All topics for a null list, and for an empty one before v1 (v0 had no null).
    const bool all = !decoded->topics || (decoded->topics->empty() && request.api_version == 0);
    std::vector<std::string> names;
    if (all) {
        for (const auto& [name, t] : _topics) names.push_back(name);
    } else {
        for (const auto& requested : *decoded->topics) {
            const std::string* name = requested.name ? &*requested.name : topic_name_of(requested.topic_id);
            if (name) names.push_back(*name);
        }
    }
    msg::metadata_response response;
    auto& broker = response.brokers.emplace_back();
    broker.node_id = model::node_id(node_id);
    broker.host = host;
    broker.port = _options.port;
    response.cluster_id = "sluice-golden";
    response.controller_id = model::node_id(node_id);
    for (const std::string& name : names) {
        const topic& t = topic_named(name);
        msg::metadata_response::metadata_response_topic out;
        out.name = name;
        out.topic_id = t.id;
        for (int32_t p = 0; p < static_cast<int32_t>(t.partitions.size()); ++p) {
            msg::metadata_response::metadata_response_partition partition;
            partition.partition_index = model::partition_id(p);
            partition.leader_id = model::node_id(node_id);
            partition.leader_epoch = model::leader_epoch(0);
            partition.replica_nodes = {model::node_id(node_id)};
            partition.isr_nodes = {model::node_id(node_id)};
            out.partitions.push_back(std::move(partition));
        }
        response.topics.push_back(std::move(out));
    }
    return reply_with(response, request);
}

handler_reply fake_broker::find_coordinator(const inbound_request& request) {
    auto decoded = decode_request<msg::find_coordinator_request>(request);
    if (!decoded) return handler_reply::close();
    msg::find_coordinator_response response;
    // v0-3 answer for one key in top-level fields, v4+ one entry per key (KIP-699).
    response.error_message = std::nullopt;
    response.node_id = model::node_id(node_id);
    response.host = host;
    response.port = _options.port;
    for (const std::string& key : decoded->coordinator_keys) {
        auto& coordinator = response.coordinators.emplace_back();
        coordinator.key = key;
        coordinator.node_id = model::node_id(node_id);
        coordinator.host = host;
        coordinator.port = _options.port;
        coordinator.error_message = std::nullopt;
    }
    return reply_with(response, request);
}

handler_reply fake_broker::init_producer_id(const inbound_request& request) {
    if (!decode_request<msg::init_producer_id_request>(request)) return handler_reply::close();
    msg::init_producer_id_response response;
    response.producer_id = model::producer_id(producer_id);
    response.producer_epoch = model::producer_epoch(producer_epoch);
    return reply_with(response, request);
}

} // namespace sluice::golden
