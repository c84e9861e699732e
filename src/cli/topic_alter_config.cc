// `sluice topic alter-config`: librdkafka 2.0.2 has no IncrementalAlterConfigs (KIP-339), and
// AlterConfigs replaces every dynamic config of the resource with the ones sent. So: read the
// topic's own overrides (source DYNAMIC_TOPIC_CONFIG), apply --set and --delete, send the
// result whole. A config deleted from the set falls back to its default.
#include <algorithm>
#include <map>
#include <string>

#include "cli/admin.h"
#include "cli/json_writer.h"
#include "cli/output.h"
#include "cli/topic_commands.h"
#include "cli/topic_configs.h"

namespace sluice::cli {

namespace {

// The topic's overrides after the changes, or why they cannot be computed.
result<std::map<std::string, std::string>> desired_overrides(const topic_config& current,
                                                             const topic_alter_config_options& options) {
    std::map<std::string, std::string> overrides;
    for (const auto& e : current.entries) {
        if (e.source != RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) continue;
        const bool removed = std::find(options.remove.begin(), options.remove.end(), e.name) != options.remove.end();
        // A sensitive value is not returned, so it could not be sent back unchanged.
        if (!e.value && !removed) return failure{"override " + e.name + " has no readable value to keep"};
        if (!removed) overrides[e.name] = *e.value;
    }
    for (const auto& kv : options.set) overrides[kv.key] = kv.value;
    return overrides;
}

} // namespace

int run_topic_alter_config(const common_options& common, const topic_alter_config_options& options) {
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, {});
    if (!client) return fail(client.error());
    auto described = describe_topic_configs(*client, {options.name}, common.timeout_ms);
    if (!described) return fail("configs of topic " + options.name + ": " + described.error());
    const topic_config& current = (*described)[options.name];
    if (!current.error.empty()) return fail("configs of topic " + options.name + ": " + current.error);
    auto overrides = desired_overrides(current, options);
    if (!overrides) return fail("topic " + options.name + ": " + overrides.error());

    rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, options.name.c_str());
    for (const auto& [name, value] : *overrides)
        rd_kafka_ConfigResource_set_config(resource, name.c_str(), value.c_str());
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, common.timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               rd_kafka_AlterConfigs(client->get(), &resource, 1, admin_options, queue);
                           });
    rd_kafka_ConfigResource_destroy(resource);
    if (!event) return fail("alter configs of topic " + options.name + ": " + event.error());
    size_t count = 0;
    const rd_kafka_ConfigResource_t** results =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(event->get()), &count);
    for (size_t i = 0; i < count; ++i) {
        if (rd_kafka_ConfigResource_error(results[i]) == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        const char* why = rd_kafka_ConfigResource_error_string(results[i]);
        return fail("alter configs of topic " + options.name + ": " +
                    (why ? why : rd_kafka_err2str(rd_kafka_ConfigResource_error(results[i]))));
    }
    if (common.format == output_format::json) {
        json_writer out;
        out.begin_object().key("altered").value(options.name).end_object();
        write_stdout(out.text() + "\n");
    } else {
        write_stdout("altered configs of topic " + options.name + "\n");
    }
    return exit_ok;
}

} // namespace sluice::cli
