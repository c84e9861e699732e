// AlterConfigs (key 33), v0-2: replaces every config override of each resource with the ones
// given (Kafka deprecated it for IncrementalAlterConfigs, which changes only what it names).
// TOPIC resources go to the controller; BROKER configs are static in Sluice and refused; see
// config_resources.h for the checks, all Kafka 4.0's (ConfigAdminManager.preprocess).
#include "protocol/generated/api_033_alter_configs.h"
#include "server/handlers/config_resources.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::alter_configs_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    std::vector<config_alteration> resources;
    for (const auto& res : req.resources) {
        config_alteration& a = resources.emplace_back();
        a.resource_type = res.resource_type;
        a.resource_name = res.resource_name;
        for (const auto& c : res.configs) {
            a.changes.push_back({c.name, c.value, cluster::config_op::set});
            a.operations.push_back(static_cast<int8_t>(cluster::config_op::set));
        }
    }
    auto results = co_await alter_config_resources(r, std::move(resources), true, req.validate_only);
    msg::alter_configs_response response;
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
    msg::alter_configs_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler alter_configs{33, 0, 2, handle, error_response};

} // namespace sluice::server::handlers
