// IncrementalAlterConfigs (key 44), v0-1 (KIP-339): SET, DELETE, APPEND and SUBTRACT (the last
// two for LIST configs) on the named keys only. TOPIC resources go to the controller; BROKER
// configs are static in Sluice (setting one is refused, deleting one changes nothing); see
// config_resources.h for the checks, all Kafka 4.0's (ConfigAdminManager.preprocess).
#include "protocol/generated/api_044_incremental_alter_configs.h"
#include "server/handlers/config_resources.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::incremental_alter_configs_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    std::vector<config_alteration> resources;
    for (const auto& res : req.resources) {
        config_alteration& a = resources.emplace_back();
        a.resource_type = res.resource_type;
        a.resource_name = res.resource_name;
        for (const auto& c : res.configs) {
            // Kafka's AlterConfigOp ids are cluster::config_op's; others are refused before use.
            a.changes.push_back({c.name, c.value, static_cast<cluster::config_op>(c.config_operation)});
            a.operations.push_back(c.config_operation);
        }
    }
    auto results = co_await alter_config_resources(r, std::move(resources), false, req.validate_only);
    msg::incremental_alter_configs_response response;
    for (size_t i = 0; i < results.size(); ++i) {
        auto& out = response.responses.emplace_back();
        out.error_code = results[i].code;
        out.error_message = std::move(results[i].message);
        out.resource_type = req.resources[i].resource_type;
        out.resource_name = req.resources[i].resource_name;
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::incremental_alter_configs_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler incremental_alter_configs{44, 0, 1, handle, error_response};

} // namespace sluice::server::handlers
