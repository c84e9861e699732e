// CreateTopics (key 19), v2-7 (v0-1 removed in Kafka 4.0, KIP-896). The controller validates
// and commits; the answer comes once the topics are in the metadata image (timeout_ms is not
// needed: there is nothing to wait for after the commit).
//
// Kafka 4.0's rules (ControllerApis.createTopics, ReplicationControlManager.createTopics):
//  - a name given more than once: INVALID_REQUEST "Duplicate topic name." once for that name,
//    after the other results; __cluster_metadata: INVALID_REQUEST.
//  - num_partitions / replication_factor -1: num.partitions / default.replication.factor
//    (KIP-464); with a manual assignment both must be -1, and its partition indexes must be
//    0..n-1, each once.
//  - a success carries the topic id (v7), the partition count, the replication factor and
//    (v5+, KIP-525) every topic config with its effective value and source, sorted by name, so
//    a client sees what it created without a DescribeConfigs. validate_only answers the same
//    without creating (topic id zero: Kafka invents one that no topic has).
#include <algorithm>
#include <map>

#include "cluster/topic_config.h"
#include "protocol/generated/api_019_create_topics.h"
#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using topic_result = msg::create_topics_response::creatable_topic_result;

topic_result failed(std::string name, cluster::admin_error error) {
    topic_result out;
    out.name = std::move(name);
    out.error_code = error.code;
    out.error_message = std::move(error.message);
    return out;
}

topic_result created(const cluster::create_topic_result& c, const storage::properties& broker) {
    topic_result out;
    out.name = c.name;
    out.topic_id = c.topic_id;
    out.error_message = std::nullopt;
    out.num_partitions = c.num_partitions;
    out.replication_factor = c.replication_factor;
    out.configs.emplace();
    for (const cluster::described_config& d : cluster::describe_topic_configs(c.configs, broker, {})) {
        msg::create_topics_response::creatable_topic_configs entry;
        entry.name = d.name;
        entry.value = d.value;
        entry.read_only = d.read_only;
        entry.config_source = static_cast<int8_t>(d.source);
        entry.is_sensitive = d.is_sensitive;
        out.configs->push_back(std::move(entry));
    }
    return out;
}

// The manual assignment by partition index, or the error Kafka gives for its indexes.
std::optional<cluster::admin_error> assignment_by_index(const msg::create_topics_request::creatable_topic& t,
                                                        std::vector<std::vector<int32_t>>& out) {
    std::map<int32_t, const std::vector<model::node_id>*> by_index;
    for (const auto& a : t.assignments) {
        if (!by_index.emplace(a.partition_index.value(), &a.broker_ids).second)
            return cluster::admin_error{error_code::invalid_replica_assignment,
                                        "Found multiple manual partition assignments for partition " +
                                            std::to_string(a.partition_index.value())};
    }
    int32_t expected = 0;
    for (const auto& [index, brokers] : by_index) {
        if (index != expected++)
            return cluster::admin_error{error_code::invalid_replica_assignment,
                                        "partitions should be a consecutive 0-based integer sequence"};
        std::vector<int32_t>& replicas = out.emplace_back();
        for (model::node_id n : *brokers) replicas.push_back(n.value());
    }
    return std::nullopt;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::create_topics_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    std::map<std::string, int, std::less<>> occurrences;
    for (const auto& t : req.topics) ++occurrences[t.name];

    msg::create_topics_response response;
    std::vector<topic_result> refused; // answered after the controller's results, as Kafka does
    std::vector<std::string> duplicates;
    std::vector<cluster::new_topic> topics;
    for (const auto& t : req.topics) {
        if (occurrences[t.name] > 1) {
            if (std::find(duplicates.begin(), duplicates.end(), t.name) == duplicates.end()) duplicates.push_back(t.name);
            continue;
        }
        if (t.name == cluster_metadata_topic) {
            refused.push_back(failed(t.name, {error_code::invalid_request,
                                              "Creation of internal topic __cluster_metadata is prohibited."}));
            continue;
        }
        cluster::new_topic nt;
        nt.name = t.name;
        nt.num_partitions = t.num_partitions;
        nt.replication_factor = t.replication_factor;
        if (!t.assignments.empty() && t.num_partitions == -1 && t.replication_factor == -1) {
            if (auto bad = assignment_by_index(t, nt.assignments)) {
                refused.push_back(failed(t.name, std::move(*bad)));
                continue;
            }
        } else if (!t.assignments.empty()) {
            nt.assignments.resize(t.assignments.size()); // the controller refuses the counts
        }
        for (const auto& c : t.configs) nt.configs.emplace_back(c.name, c.value);
        topics.push_back(std::move(nt));
    }

    if (!topics.empty() && r.ctx.controller == nullptr) {
        for (const auto& t : topics) response.topics.push_back(failed(t.name, no_controller()));
    } else if (!topics.empty()) {
        auto results = co_await controller_call<std::vector<cluster::create_topic_result>>([&](auto done) {
            r.ctx.controller->create_topics(std::move(topics), req.validate_only, std::move(done));
        });
        for (auto& c : results)
            response.topics.push_back(c.error.ok() ? created(c, r.ctx.settings.properties) : failed(c.name, std::move(c.error)));
    }
    for (auto& t : refused) response.topics.push_back(std::move(t));
    for (auto& name : duplicates)
        response.topics.push_back(failed(std::move(name), {error_code::invalid_request, "Duplicate topic name."}));
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::create_topics_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler create_topics{19, 2, 7, handle, error_response};

} // namespace sluice::server::handlers
