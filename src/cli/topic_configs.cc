#include "cli/topic_configs.h"

#include <algorithm>

#include "cli/admin.h"

namespace sluice::cli {

namespace {

topic_config read_resource(const rd_kafka_ConfigResource_t* resource) {
    topic_config out;
    if (rd_kafka_ConfigResource_error(resource) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* why = rd_kafka_ConfigResource_error_string(resource);
        out.error = why ? why : rd_kafka_err2str(rd_kafka_ConfigResource_error(resource));
        return out;
    }
    size_t count = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resource, &count);
    for (size_t i = 0; i < count; ++i) {
        config_entry e;
        e.name = rd_kafka_ConfigEntry_name(entries[i]);
        if (const char* value = rd_kafka_ConfigEntry_value(entries[i])) e.value = value;
        e.source = rd_kafka_ConfigEntry_source(entries[i]);
        e.is_default = rd_kafka_ConfigEntry_is_default(entries[i]) != 0;
        e.is_sensitive = rd_kafka_ConfigEntry_is_sensitive(entries[i]) != 0;
        out.entries.push_back(std::move(e));
    }
    std::sort(out.entries.begin(), out.entries.end(),
              [](const config_entry& a, const config_entry& b) { return a.name < b.name; });
    return out;
}

} // namespace

result<std::map<std::string, topic_config>> describe_topic_configs(const kafka_client& client,
                                                                   const std::vector<std::string>& topics,
                                                                   int32_t timeout_ms) {
    std::vector<rd_kafka_ConfigResource_t*> resources;
    for (const auto& name : topics)
        resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
    auto event = run_admin(client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                               rd_kafka_DescribeConfigs(client.get(), resources.data(), resources.size(), options,
                                                        queue);
                           });
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
    if (!event) return failure{event.error()};
    size_t count = 0;
    const rd_kafka_ConfigResource_t** results =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event->get()), &count);
    std::map<std::string, topic_config> out;
    for (size_t i = 0; i < count; ++i) out[rd_kafka_ConfigResource_name(results[i])] = read_resource(results[i]);
    return out;
}

std::vector<config_entry> non_default_entries(const topic_config& config) {
    std::vector<config_entry> out;
    for (const auto& e : config.entries) {
        if (!e.is_default) out.push_back(e);
    }
    return out;
}

} // namespace sluice::cli
