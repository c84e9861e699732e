// DescribeConfigs (key 32), v1-4 (v0 removed in Kafka 4.0, KIP-896). TOPIC: every topic config
// with its effective value and source (cluster::describe_topic_configs); BROKER: Sluice's broker
// keys as configured (cluster::describe_broker_configs). configuration_keys filters (null or
// empty: all); include_synonyms adds each value's candidates; v3+ adds types and, when asked,
// documentation.
//
// Kafka 4.0's rules (ConfigHelper.describeConfigs): an illegal topic name is
// INVALID_TOPIC_EXCEPTION, an unknown topic UNKNOWN_TOPIC_OR_PARTITION; BROKER "" describes the
// cluster-wide dynamic defaults (Sluice has none: no configs), BROKER "<this node id>" this
// broker, any other name INVALID_REQUEST. A resource type Kafka does not know fails the whole
// request (INVALID_REQUEST for every resource); BROKER_LOGGER, CLIENT_METRICS and GROUP, which
// Kafka describes and Sluice does not keep, are INVALID_REQUEST per resource.
#include <charconv>

#include "cluster/broker_config_defs.h"
#include "cluster/topic_config.h"
#include "protocol/generated/api_032_describe_configs.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/config_resources.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using resource_result = msg::describe_configs_response::describe_configs_result;

void fail(resource_result& out, error_code code, std::string message) {
    out.error_code = code;
    out.error_message = std::move(message);
}

void copy_configs(std::vector<cluster::described_config> configs, resource_result& out) {
    for (auto& d : configs) {
        auto& entry = out.configs.emplace_back();
        entry.name = std::move(d.name);
        entry.value = std::move(d.value);
        entry.read_only = d.read_only;
        entry.config_source = static_cast<int8_t>(d.source);
        entry.is_sensitive = d.is_sensitive;
        for (auto& s : d.synonyms) {
            auto& synonym = entry.synonyms.emplace_back();
            synonym.name = std::move(s.name);
            synonym.value = std::move(s.value);
            synonym.source = static_cast<int8_t>(s.source);
        }
        entry.config_type = static_cast<int8_t>(d.type);
        entry.documentation = std::move(d.documentation);
    }
}

void describe_topic(const request& r, const cluster::metadata_image& image, const cluster::describe_options& options,
                    const std::string& name, resource_result& out) {
    if (auto bad = cluster::controller::validate_topic_name(name)) return fail(out, error_code::invalid_topic_exception, *bad);
    const cluster::topic_image* topic = image.find(name);
    if (topic == nullptr) {
        out.error_code = error_code::unknown_topic_or_partition; // Kafka sets no message
        return;
    }
    copy_configs(cluster::describe_topic_configs(topic->configs, r.ctx.settings.properties, options), out);
}

void describe_broker(const request& r, const cluster::describe_options& options, const std::string& name,
                     resource_result& out) {
    if (name.empty()) return; // the cluster-wide dynamic defaults: none
    int32_t id = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec != std::errc() || end != name.data() + name.size())
        return fail(out, error_code::invalid_request, "Broker id must be an integer, but it is: " + name);
    const int32_t self = r.broker.node_id.value();
    if (id != self)
        return fail(out, error_code::invalid_request,
                    "Unexpected broker id, expected " + std::to_string(self) + " or empty string, but received " + name);
    copy_configs(cluster::describe_broker_configs(r.ctx.settings.properties, options), out);
}

bool kafka_knows(int8_t type) { return config_resource_name(type) != "UNKNOWN"; }

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_configs_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::describe_configs_response response;
    bool refused = false;
    for (const auto& res : req.resources) refused |= !kafka_knows(res.resource_type);

    const cluster::image_ptr image = r.ctx.metadata->current();
    for (const auto& res : req.resources) {
        resource_result& out = response.results.emplace_back();
        out.resource_type = res.resource_type;
        out.resource_name = res.resource_name;
        if (refused) {
            fail(out, error_code::invalid_request, std::string(invalid_request_message));
            continue;
        }
        cluster::describe_options options;
        if (res.configuration_keys) options.keys = *res.configuration_keys;
        options.include_synonyms = req.include_synonyms;
        options.include_documentation = req.include_documentation;
        switch (res.resource_type) {
        case config_resource::topic:
            describe_topic(r, *image, options, res.resource_name, out);
            break;
        case config_resource::broker:
            describe_broker(r, options, res.resource_name, out);
            break;
        default:
            fail(out, error_code::invalid_request,
                 "Unsupported resource type: " + std::string(config_resource_name(res.resource_type)));
            break;
        }
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::describe_configs_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler describe_configs{32, 1, 4, handle, error_response};

} // namespace sluice::server::handlers
