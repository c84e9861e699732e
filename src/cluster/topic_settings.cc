#include "cluster/topic_settings.h"

#include <algorithm>

#include "cluster/broker_config_defs.h"
#include "cluster/topic_config.h"

namespace sluice::cluster {

namespace {

// Storage reads integers strictly ("7", not " 7" or "+7"): hand it canonical values.
storage::properties canonical_topic(const storage::properties& topic) {
    storage::properties out;
    for (const auto& [name, value] : topic) {
        const topic_config_def* def = find_topic_config(name);
        if (!def) throw storage::config_error("Unknown topic config name: " + name);
        std::string canonical;
        if (auto error = def->validate(value, &canonical)) throw storage::config_error(*error);
        out.emplace(name, std::move(canonical));
    }
    return out;
}

storage::properties canonical_broker(const storage::properties& broker) {
    storage::properties out = broker;
    for (auto& [name, value] : out) {
        const broker_config_def* def = find_broker_config(name);
        if (!def) continue;
        std::string canonical;
        if (auto error = check_config_value(def->name, def->type, def->rule, value, &canonical))
            throw storage::config_error(*error);
        value = std::move(canonical);
    }
    // Kafka: without log.flush.interval.ms, flush.ms defaults to log.flush.scheduler.interval.ms
    // (storage reads only the former).
    if (!out.contains("log.flush.interval.ms"))
        if (auto it = out.find("log.flush.scheduler.interval.ms"); it != out.end())
            out.emplace("log.flush.interval.ms", it->second);
    return out;
}

class resolver {
public:
    resolver(const storage::properties& broker, const storage::properties& topic) : _broker(broker), _topic(topic) {}

    std::string text(std::string_view name) const {
        return resolve_topic_config(*find_topic_config(name), _broker, _topic).value;
    }
    int64_t int64(std::string_view name) const { return config_int(text(name)); }
    int32_t int32(std::string_view name) const { return static_cast<int32_t>(config_int(text(name))); }
    double float64(std::string_view name) const { return config_double(text(name)); }
    bool boolean(std::string_view name) const { return config_bool(text(name)); }

private:
    const storage::properties& _broker;
    const storage::properties& _topic;
};

} // namespace

topic_settings effective_topic_settings(const storage::properties& broker, const storage::properties& topic_overrides) {
    storage::properties b = canonical_broker(broker);
    storage::properties t = canonical_topic(topic_overrides);
    resolver r(b, t);
    topic_settings s;
    s.log = storage::with_topic_overrides(storage::log_dir_config_from("", b).defaults, t);

    std::vector<std::string> policy = config_list(r.text("cleanup.policy"));
    s.compact = std::find(policy.begin(), policy.end(), "compact") != policy.end();
    s.delete_policy = std::find(policy.begin(), policy.end(), "delete") != policy.end();
    s.retention.retention_ms = r.int64("retention.ms");
    s.retention.retention_bytes = r.int64("retention.bytes");
    s.retention.delete_enabled = s.delete_policy;

    s.compaction.min_cleanable_dirty_ratio = r.float64("min.cleanable.dirty.ratio");
    s.compaction.min_compaction_lag_ms = r.int64("min.compaction.lag.ms");
    s.compaction.max_compaction_lag_ms = r.int64("max.compaction.lag.ms");
    s.compaction.delete_retention_ms = r.int64("delete.retention.ms");

    s.max_message_bytes = r.int32("max.message.bytes");
    s.compression_type = r.text("compression.type");
    s.compression_gzip_level = r.int32("compression.gzip.level");
    s.compression_lz4_level = r.int32("compression.lz4.level");
    s.compression_zstd_level = r.int32("compression.zstd.level");
    s.timestamp_before_max_ms = r.int64("message.timestamp.before.max.ms");
    s.timestamp_after_max_ms = r.int64("message.timestamp.after.max.ms");
    s.log_append_time = s.log.log.log_append_time;
    s.min_insync_replicas = r.int32("min.insync.replicas");
    s.unclean_leader_election = r.boolean("unclean.leader.election.enable");
    s.file_delete_delay_ms = r.int64("file.delete.delay.ms");
    return s;
}

} // namespace sluice::cluster
