#pragma once
// topic_configs: DescribeConfigs for topics, as plain values. Used by `topic describe` (the
// configs that are not defaults) and `topic alter-config` (the topic's own overrides, which
// AlterConfigs must send back whole).
#include <librdkafka/rdkafka.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/kafka_client.h"
#include "cli/result.h"

namespace sluice::cli {

struct config_entry {
    std::string name;
    std::optional<std::string> value; // nullopt: sensitive, or no value
    rd_kafka_ConfigSource_t source = RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG;
    bool is_default = false;
    bool is_sensitive = false;
};

struct topic_config {
    std::string error; // empty: `entries` is the topic's configuration
    std::vector<config_entry> entries;
};

// By topic name. A failed request as a whole is a failure; a topic the broker refused
// carries its error.
result<std::map<std::string, topic_config>> describe_topic_configs(const kafka_client& client,
                                                                   const std::vector<std::string>& topics,
                                                                   int32_t timeout_ms);

// The entries `topic describe` shows: everything not at its default (topic overrides and
// broker-level settings that apply to the topic, as kafka-topics.sh shows them), by name.
std::vector<config_entry> non_default_entries(const topic_config& config);

} // namespace sluice::cli
