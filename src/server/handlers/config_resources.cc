#include "server/handlers/config_resources.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
using cluster::admin_error;

admin_error invalid_request(std::string message) { return {error_code::invalid_request, std::move(message)}; }

constexpr int8_t delete_operation = static_cast<int8_t>(cluster::config_op::remove);

bool known_operation(int8_t op) noexcept { return op >= 0 && op <= 3; }

// Kafka's checks before the resource type matters (ConfigAdminManager.preprocess).
std::optional<admin_error> check_entries(const config_alteration& a, bool incremental) {
    std::set<std::string_view> keys;
    for (const auto& c : a.changes)
        if (!keys.insert(c.key).second) return invalid_request("Error due to duplicate config keys");
    std::string nulls;
    for (size_t i = 0; i < a.changes.size(); ++i) {
        const bool may_be_null = incremental && a.operations[i] == delete_operation;
        if (!a.changes[i].value && !may_be_null) nulls += (nulls.empty() ? "" : ", ") + a.changes[i].key;
    }
    if (!nulls.empty()) return invalid_request("Null value not supported for : " + nulls);
    return std::nullopt;
}

// BROKER: "" (cluster default) or this node's id. Every broker config of Sluice is static, so
// any key set is refused with Kafka's answer for a key that is not dynamically updatable
// (DynamicBrokerConfig.validateConfigs, wrapped as INVALID_REQUEST). Deleting an override that
// cannot exist changes nothing.
admin_error alter_broker(const config_alteration& a, bool incremental, int32_t node_id) {
    if (!a.resource_name.empty()) {
        int32_t id = 0;
        const char* end = a.resource_name.data() + a.resource_name.size();
        auto [ptr, ec] = std::from_chars(a.resource_name.data(), end, id);
        if (ec != std::errc() || ptr != end)
            return invalid_request("Node id must be an integer, but it is: " + a.resource_name);
        if (id != node_id)
            return invalid_request("Unexpected broker id, expected " + std::to_string(node_id) + ", but received " +
                                   a.resource_name);
    }
    std::string refused;
    for (size_t i = 0; i < a.changes.size(); ++i) {
        if (incremental && !known_operation(a.operations[i]))
            return invalid_request("Unknown operations type " + std::to_string(a.operations[i]));
        if (incremental && a.operations[i] == delete_operation) continue;
        refused += (refused.empty() ? "" : ", ") + a.changes[i].key;
    }
    if (!refused.empty()) return invalid_request("Cannot update these configs dynamically: Set(" + refused + ")");
    return {};
}

// TOPIC: Kafka's ControllerConfigurationValidator checks the name before the controller.
std::optional<admin_error> check_topic(const config_alteration& a, bool incremental) {
    if (a.resource_name.empty()) return invalid_request("Default topic resources are not allowed.");
    if (auto bad = cluster::controller::validate_topic_name(a.resource_name))
        return admin_error{error_code::invalid_topic_exception, std::move(*bad)};
    if (incremental)
        for (int8_t op : a.operations)
            if (!known_operation(op)) return invalid_request("Unknown operations type " + std::to_string(op));
    return std::nullopt;
}

// Every check that needs no controller; nullopt when the resource goes to the controller.
std::optional<admin_error> preprocess(const config_alteration& a, bool incremental, int32_t node_id) {
    if (auto bad = check_entries(a, incremental)) return bad;
    switch (a.resource_type) {
    case config_resource::broker:
        return alter_broker(a, incremental, node_id);
    case config_resource::topic:
        return check_topic(a, incremental);
    case config_resource::broker_logger:
        // Legacy AlterConfigs never took loggers: Kafka's own answer. Incremental: Kafka sets
        // log4j levels, Sluice has none to set.
        if (!incremental) break;
        [[fallthrough]];
    case config_resource::client_metrics:
    case config_resource::group:
        return invalid_request("Unsupported resource type: " + std::string(config_resource_name(a.resource_type)));
    default:
        break;
    }
    return invalid_request("Unknown resource type " + std::to_string(a.resource_type));
}

} // namespace

std::string_view config_resource_name(int8_t type) noexcept {
    switch (type) {
    case config_resource::topic: return "TOPIC";
    case config_resource::broker: return "BROKER";
    case config_resource::broker_logger: return "BROKER_LOGGER";
    case config_resource::client_metrics: return "CLIENT_METRICS";
    case config_resource::group: return "GROUP";
    default: return "UNKNOWN";
    }
}

asio::awaitable<std::vector<admin_error>> alter_config_resources(const request& r, std::vector<config_alteration> resources,
                                                                 bool replace_all, bool validate_only) {
    const bool incremental = !replace_all;
    std::vector<std::optional<admin_error>> results(resources.size());
    std::map<std::pair<int8_t, std::string_view>, int> occurrences;
    for (const auto& a : resources) ++occurrences[{a.resource_type, a.resource_name}];

    std::vector<cluster::alter_topic_configs> topics;
    std::vector<size_t> topic_at; // index in `resources` of each of `topics`
    for (size_t i = 0; i < resources.size(); ++i) {
        config_alteration& a = resources[i];
        if (occurrences[{a.resource_type, a.resource_name}] > 1) {
            results[i] = invalid_request("Each resource must appear at most once.");
            continue;
        }
        results[i] = preprocess(a, incremental, r.broker.node_id.value());
        if (results[i]) continue;
        topics.push_back({a.resource_name, std::move(a.changes), replace_all});
        topic_at.push_back(i);
    }
    if (!topics.empty() && r.ctx.controller == nullptr) {
        for (size_t i : topic_at) results[i] = no_controller();
    } else if (!topics.empty()) {
        auto answers = co_await controller_call<std::vector<admin_error>>(
            [&](auto done) { r.ctx.controller->alter_configs(std::move(topics), validate_only, std::move(done)); });
        for (size_t k = 0; k < answers.size(); ++k) results[topic_at[k]] = std::move(answers[k]);
    }
    std::vector<admin_error> out;
    out.reserve(results.size());
    for (auto& e : results) {
        admin_error error = std::move(e).value_or(admin_error{});
        if (error.ok()) error.message.reset(); // Kafka's ApiError.NONE has no message
        out.push_back(std::move(error));
    }
    co_return out;
}

} // namespace sluice::server::handlers
