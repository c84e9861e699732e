#pragma once
// broker_config_defs: the broker-level keys Sluice knows (server.properties and --set), with
// type, default, value rule and documentation. Two users:
//  - the topic table: a topic config falls back to its broker synonyms (log.retention.hours for
//    retention.ms, ...), whose types and defaults live here;
//  - DescribeConfigs on a BROKER resource: every key here with its effective value.
// Broker configs are static for now: read_only in every description, and AlterConfigs on a
// BROKER resource is refused by its handler.
//
// Defaults are Kafka 4.0's except where Sluice's own differ (each says so): listeners,
// log.dir, node.id, queued.max.request.bytes, and Sluice's own log.max.open.files.
// Keys a server.properties may hold that are not here are not errors (the app warns).
//
// The table is constant; any thread.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/config_value.h"
#include "cluster/described_config.h"
#include "storage/log_settings.h"

namespace sluice::cluster {

struct broker_config_def {
    std::string_view name;
    config_type type = config_type::unknown;
    std::optional<std::string_view> default_value; // nullopt: none (Kafka's null)
    value_rule rule;
    std::string_view documentation;
};

// Sorted by name.
std::span<const broker_config_def> all_broker_configs();
const broker_config_def* find_broker_config(std::string_view name);

// Checks one broker key's value; nullopt when valid or when the key is not in the table.
std::optional<std::string> validate_broker_config(std::string_view name, std::string_view value);
// Every known key of `broker`; the first problem found, or nullopt. Called at start-up: the
// describers and effective_topic_settings() expect broker properties that passed it.
std::optional<std::string> validate_broker_configs(const storage::properties& broker);

// DescribeConfigs for a BROKER resource: each key of the table (filtered by options.keys) with
// its value from `broker` (STATIC_BROKER_CONFIG) or its default (DEFAULT_CONFIG, null when it
// has none). Synonyms follow Kafka's order for the key's group (log.retention.ms, .minutes,
// .hours; log.roll.ms, .hours; log.roll.jitter.ms, .hours; log.flush.interval.ms,
// log.flush.scheduler.interval.ms): set values before defaults, starting at the described key
// itself.
std::vector<described_config> describe_broker_configs(const storage::properties& broker,
                                                      const describe_options& options);

} // namespace sluice::cluster
