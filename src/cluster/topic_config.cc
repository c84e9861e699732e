#include "cluster/topic_config.h"

#include <algorithm>

#include "base/assert.h"
#include "cluster/broker_config_defs.h"

namespace sluice::cluster {

namespace {

bool wanted(const describe_options& options, std::string_view name) {
    if (options.keys.empty()) return true;
    return std::find(options.keys.begin(), options.keys.end(), name) != options.keys.end();
}

// A broker synonym's value in the topic key's unit, canonical.
std::string from_broker(const topic_config_def& def, const broker_synonym& synonym, const std::string& raw) {
    const broker_config_def* broker_def = find_broker_config(synonym.name);
    SLUICE_ASSERT(broker_def != nullptr, "every broker synonym of a topic config is in the broker table");
    std::string canonical;
    if (auto error = check_config_value(broker_def->name, broker_def->type, broker_def->rule, raw, &canonical))
        throw storage::config_error(*error);
    if (synonym.multiplier != 1 || synonym.negative_is_unlimited) {
        // The broker keys with a unit are INT (hours, minutes): the product fits in an int64.
        int64_t value = config_int(canonical);
        value = synonym.negative_is_unlimited && value < 0 ? -1 : value * synonym.multiplier;
        canonical = std::to_string(value);
    }
    std::string topic_canonical;
    if (auto error = def.validate(canonical, &topic_canonical))
        throw storage::config_error(std::string(synonym.name) + "=" + raw + " gives " + *error);
    return topic_canonical;
}

int64_t effective_int(std::string_view name, const storage::properties& broker, const storage::properties& topic) {
    return config_int(resolve_topic_config(*find_topic_config(name), broker, topic).value);
}

} // namespace

const topic_config_def* find_topic_config(std::string_view name) {
    std::span<const topic_config_def> defs = all_topic_configs();
    auto it = std::lower_bound(defs.begin(), defs.end(), name,
                               [](const topic_config_def& d, std::string_view n) { return d.name < n; });
    return it != defs.end() && it->name == name ? &*it : nullptr;
}

std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value) {
    const topic_config_def* def = find_topic_config(name);
    if (!def) return "Unknown topic config name: " + std::string(name);
    return def->validate(value);
}

std::optional<std::string> validate_topic_configs(const storage::properties& overrides,
                                                  const storage::properties& broker) {
    for (const auto& [name, value] : overrides)
        if (auto error = validate_topic_config(name, value)) return error;
    // Kafka's LogConfig.validateValues, on the values the topic would have.
    int64_t min_lag = effective_int("min.compaction.lag.ms", broker, overrides);
    int64_t max_lag = effective_int("max.compaction.lag.ms", broker, overrides);
    if (min_lag > max_lag)
        return "conflict topic config setting min.compaction.lag.ms (" + std::to_string(min_lag) +
               ") > max.compaction.lag.ms (" + std::to_string(max_lag) + ")";
    if (config_bool(resolve_topic_config(*find_topic_config("remote.storage.enable"), broker, overrides).value))
        return std::string("Tiered Storage functionality is disabled in the broker. Topic cannot be configured "
                           "with remote log storage.");
    return std::nullopt;
}

resolved_topic_config resolve_topic_config(const topic_config_def& def, const storage::properties& broker,
                                           const storage::properties& topic) {
    if (auto it = topic.find(def.name); it != topic.end()) {
        std::string canonical;
        if (auto error = def.validate(it->second, &canonical)) throw storage::config_error(*error);
        return {std::move(canonical), config_source::topic_config, def.name};
    }
    for (const broker_synonym& synonym : def.synonyms)
        if (auto it = broker.find(synonym.name); it != broker.end())
            return {from_broker(def, synonym, it->second), config_source::static_broker_config, synonym.name};
    return {std::string(def.default_value), config_source::default_config, def.name};
}

std::vector<described_config> describe_topic_configs(const storage::properties& topic_overrides,
                                                     const storage::properties& broker,
                                                     const describe_options& options) {
    std::vector<described_config> out;
    for (const topic_config_def& def : all_topic_configs()) {
        if (!wanted(options, def.name)) continue;
        resolved_topic_config resolved = resolve_topic_config(def, broker, topic_overrides);
        bool sensitive = def.type == config_type::password;
        described_config entry;
        entry.name = std::string(def.name);
        if (!sensitive) entry.value = resolved.value;
        entry.source = resolved.source;
        entry.read_only = false;
        entry.is_sensitive = sensitive;
        entry.type = def.type;
        if (options.include_synonyms) {
            auto shown = [&](std::string_view v) { return sensitive ? std::nullopt : std::optional<std::string>(v); };
            if (resolved.source == config_source::topic_config)
                entry.synonyms.push_back({entry.name, shown(resolved.value), config_source::topic_config});
            for (const broker_synonym& synonym : def.synonyms)
                if (auto it = broker.find(synonym.name); it != broker.end())
                    entry.synonyms.push_back(
                        {std::string(synonym.name), shown(it->second), config_source::static_broker_config});
            for (const broker_synonym& synonym : def.synonyms)
                if (const broker_config_def* d = find_broker_config(synonym.name); d && d->default_value)
                    entry.synonyms.push_back(
                        {std::string(synonym.name), shown(*d->default_value), config_source::default_config});
        }
        if (options.include_documentation) entry.documentation = std::string(def.documentation);
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace sluice::cluster
