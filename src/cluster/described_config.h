#pragma once
// described_config: one entry of a DescribeConfigs result (v1+), as the topic and broker
// describers produce it and the handler copies it onto the wire.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cluster/config_value.h"

namespace sluice::cluster {

// Where a value could come from, highest precedence first (Kafka's DescribeConfigsSynonym).
struct described_synonym {
    std::string name;                 // the topic key, or a broker key
    std::optional<std::string> value; // as set (a broker key's own unit); null when sensitive
    config_source source = config_source::unknown;

    bool operator==(const described_synonym&) const = default;
};

struct described_config {
    std::string name;
    std::optional<std::string> value; // the effective value; null when sensitive or unset
    config_source source = config_source::default_config;
    bool read_only = false;
    bool is_sensitive = false;
    std::vector<described_synonym> synonyms; // empty unless asked for
    config_type type = config_type::unknown;
    std::optional<std::string> documentation; // only when asked for (v3+)
};

struct describe_options {
    // The keys asked for. Empty (a null or empty array on the wire) means every key, as in
    // Kafka; names that are not configs are left out of the result without an error.
    std::span<const std::string> keys;
    bool include_synonyms = false;
    bool include_documentation = false;
};

} // namespace sluice::cluster
