#pragma once
// topic_config: the one table of Kafka 4.0's topic configs (CreateTopics, AlterConfigs,
// IncrementalAlterConfigs set them; DescribeConfigs reads them). Per key: type, Kafka 4.0's
// default, the rule its values follow, the broker keys it falls back to, documentation.
//
// A topic's effective value of a key is, in order: the topic's override; the first of its
// broker synonyms set in the broker's properties, converted to the topic key's unit
// (log.retention.hours=1 -> retention.ms=3600000); the default. Broker properties are the
// static ones (server.properties and --set); there are no dynamic broker configs yet.
//
// Typed settings for the data path built from the same rules: topic_settings.h.
//
// The table is constant; every function is stateless and may run on any thread.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/config_value.h"
#include "cluster/described_config.h"
#include "storage/log_settings.h"

namespace sluice::cluster {

// A broker key a topic config falls back to (Kafka's ServerTopicConfigSynonyms).
struct broker_synonym {
    std::string_view name;
    // The broker value times this is the topic value (log.roll.hours -> segment.ms: 3'600'000).
    int64_t multiplier = 1;
    // Kafka reads any negative broker retention time as "no limit" (-1).
    bool negative_is_unlimited = false;
};

struct topic_config_def {
    std::string_view name;
    config_type type = config_type::unknown;
    std::string_view default_value; // Kafka 4.0's, as DescribeConfigs shows it
    value_rule rule;
    std::span<const broker_synonym> synonyms; // precedence order; empty for topic-only keys
    std::string_view documentation;

    // nullopt when `value` is valid for this key; Kafka's INVALID_CONFIG message otherwise.
    std::optional<std::string> validate(std::string_view value, std::string* canonical = nullptr) const {
        return check_config_value(name, type, rule, value, canonical);
    }
};

// Sorted by name.
std::span<const topic_config_def> all_topic_configs();
const topic_config_def* find_topic_config(std::string_view name);

// One key: nullopt when valid; else the message for INVALID_CONFIG ("Unknown topic config
// name: x" for a key that is not a topic config).
std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value);
// A topic's whole set of overrides: each key as above, then the rules between keys, checked
// on the effective values (overrides over `broker`): min.compaction.lag.ms must not exceed
// max.compaction.lag.ms, and remote.storage.enable cannot be true (Sluice has no tiered
// storage; Kafka refuses it the same way on a broker where tiered storage is off). `broker`
// must have passed validate_broker_configs (else storage::config_error is thrown).
std::optional<std::string> validate_topic_configs(const storage::properties& overrides,
                                                  const storage::properties& broker = {});

// The effective value of one key, canonical (as DescribeConfigs shows it), and where it came
// from: topic_config, static_broker_config or default_config.
struct resolved_topic_config {
    std::string value;
    config_source source = config_source::default_config;
    std::string_view from; // the key that supplied it (the topic key itself for an override or default)
};
// `topic` and `broker` must have passed validate_topic_configs / validate_broker_configs;
// an invalid value throws storage::config_error.
resolved_topic_config resolve_topic_config(const topic_config_def& def, const storage::properties& broker,
                                           const storage::properties& topic);

// DescribeConfigs for a TOPIC resource: every topic config (filtered by options.keys) with its
// effective value and source. Synonyms, highest precedence first: the topic's override
// (TOPIC_CONFIG), each broker synonym set in `broker` (STATIC_BROKER_CONFIG, value as set, in
// the broker key's unit), then each broker synonym's default (DEFAULT_CONFIG). Kafka additionally
// drops the set values that precede the first broker synonym (so retention.ms from
// log.retention.hours alone shows source DEFAULT_CONFIG and no synonyms); Sluice lists them and
// reports the source that actually supplied the value. read_only is false for topic configs.
std::vector<described_config> describe_topic_configs(const storage::properties& topic_overrides,
                                                     const storage::properties& broker,
                                                     const describe_options& options);

} // namespace sluice::cluster
