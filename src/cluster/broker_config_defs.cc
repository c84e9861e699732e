#include "cluster/broker_config_defs.h"

#include <algorithm>
#include <array>

namespace sluice::cluster {

namespace {

using t = config_type;
constexpr std::string_view int32_max = "2147483647";
constexpr std::string_view int64_max = "9223372036854775807";
// The server-side assignors of KIP-848 consumer groups (coordinator/assignors.h).
constexpr std::array<std::string_view, 2> consumer_group_assignors{"uniform", "range"};

// Sorted by name (checked below). Documentation is ours; Kafka's facts, Sluice's words.
constexpr std::array broker_configs{
    broker_config_def{"advertised.listeners", t::string, std::nullopt, any_value(),
                      "The address given to clients in metadata, as NAME://host:port. Unset: the listener's "
                      "address."},
    broker_config_def{"auto.create.topics.enable", t::boolean, "true", any_value(),
                      "Whether a Metadata request that allows it creates the topics it names that do not exist, "
                      "with num.partitions and default.replication.factor."},
    broker_config_def{"compression.gzip.level", t::int32, "-1", gzip_level(),
                      "Default for the topic config compression.gzip.level."},
    broker_config_def{"compression.lz4.level", t::int32, "9", between(1, 17),
                      "Default for the topic config compression.lz4.level."},
    broker_config_def{"compression.type", t::string, "producer", one_of(compression_types),
                      "Default for the topic config compression.type."},
    broker_config_def{"compression.zstd.level", t::int32, "3", between(-131072, 22),
                      "Default for the topic config compression.zstd.level."},
    broker_config_def{"connections.max.idle.ms", t::int64, "600000", between(1, 31'536'000'000),
                      "A connection with no request in flight for this long is closed."},
    broker_config_def{"default.replication.factor", t::int32, "1", at_least(1),
                      "Replication factor of automatically created topics, and of CreateTopics requests that "
                      "leave it to the broker (-1)."},
    broker_config_def{"delete.topic.enable", t::boolean, "true", any_value(),
                      "Whether DeleteTopics is allowed."},
    broker_config_def{"group.consumer.assignors", t::list, "uniform,range", each_one_of(consumer_group_assignors),
                      "The server-side assignors a consumer group (KIP-848) may choose with ServerAssignor; "
                      "the first is the default. Kafka takes class names or these short names."},
    broker_config_def{"group.consumer.heartbeat.interval.ms", t::int32, "5000", at_least(1),
                      "How often consumer group (KIP-848) members are told to heartbeat."},
    broker_config_def{"group.consumer.max.size", t::int32, int32_max, at_least(1),
                      "Members a consumer group (KIP-848) may have; more are refused with "
                      "GROUP_MAX_SIZE_REACHED."},
    broker_config_def{"group.consumer.session.timeout.ms", t::int32, "45000", at_least(1),
                      "A consumer group (KIP-848) member that does not heartbeat for this long is removed."},
    broker_config_def{"group.initial.rebalance.delay.ms", t::int32, "3000", at_least(0),
                      "How long the first rebalance of a new (or empty) classic group waits for more members "
                      "to join, extended by each join up to the rebalance timeout."},
    broker_config_def{"group.max.session.timeout.ms", t::int32, "1800000", at_least(1),
                      "The largest session timeout a classic group member may ask for."},
    broker_config_def{"group.max.size", t::int32, int32_max, at_least(1),
                      "Members a classic group may have; more are refused with GROUP_MAX_SIZE_REACHED."},
    broker_config_def{"group.min.session.timeout.ms", t::int32, "6000", at_least(1),
                      "The smallest session timeout a classic group member may ask for."},
    broker_config_def{"listeners", t::string, "PLAINTEXT://localhost:9092", any_value(),
                      "Where the broker accepts Kafka clients, as NAME://host:port (an empty host binds every "
                      "interface). Sluice's default binds localhost only; Kafka's binds every interface."},
    broker_config_def{"log.cleaner.delete.retention.ms", t::int64, "86400000", at_least(0),
                      "Default for the topic config delete.retention.ms."},
    broker_config_def{"log.cleaner.enable", t::boolean, "true", any_value(),
                      "Whether compacted topics are cleaned at all."},
    broker_config_def{"log.cleaner.max.compaction.lag.ms", t::int64, int64_max, at_least(1),
                      "Default for the topic config max.compaction.lag.ms."},
    broker_config_def{"log.cleaner.min.cleanable.ratio", t::float64, "0.5", between(0, 1),
                      "Default for the topic config min.cleanable.dirty.ratio."},
    broker_config_def{"log.cleaner.min.compaction.lag.ms", t::int64, "0", at_least(0),
                      "Default for the topic config min.compaction.lag.ms."},
    broker_config_def{"log.cleanup.policy", t::list, "delete", each_one_of(cleanup_policies),
                      "Default for the topic config cleanup.policy."},
    broker_config_def{"log.dir", t::string, "./sluice-data", any_value(),
                      "The data directory, used when log.dirs is not set. Sluice's default is ./sluice-data."},
    broker_config_def{"log.dirs", t::string, std::nullopt, any_value(),
                      "The data directory (one for now); takes precedence over log.dir."},
    broker_config_def{"log.flush.interval.messages", t::int64, int64_max, at_least(1),
                      "Default for the topic config flush.messages."},
    broker_config_def{"log.flush.interval.ms", t::int64, std::nullopt, at_least(0),
                      "Default for the topic config flush.ms; unset, log.flush.scheduler.interval.ms applies."},
    broker_config_def{"log.flush.offset.checkpoint.interval.ms", t::int32, "60000", at_least(0),
                      "How often each log directory's recovery-point checkpoint is written."},
    broker_config_def{"log.flush.scheduler.interval.ms", t::int64, int64_max, at_least(0),
                      "How often logs are checked for a due flush.ms sync, and flush.ms's fallback default."},
    broker_config_def{"log.flush.start.offset.checkpoint.interval.ms", t::int32, "60000", at_least(0),
                      "How often each log directory's log-start-offset checkpoint is written."},
    broker_config_def{"log.index.interval.bytes", t::int32, "4096", at_least(0),
                      "Default for the topic config index.interval.bytes."},
    // Kafka's minimum is 4; storage needs room for one 8-byte offset-index entry.
    broker_config_def{"log.index.size.max.bytes", t::int32, "10485760", at_least(8),
                      "Default for the topic config segment.index.bytes."},
    broker_config_def{"log.local.retention.bytes", t::int64, "-2", at_least(-2),
                      "Default for the topic config local.retention.bytes."},
    broker_config_def{"log.local.retention.ms", t::int64, "-2", at_least(-2),
                      "Default for the topic config local.retention.ms."},
    broker_config_def{"log.max.open.files", t::int32, "10000", at_least(16),
                      "Sluice's own: at most this many segment files are open at once; the least recently "
                      "used are closed and reopened on use. Lowered to half of RLIMIT_NOFILE when that is "
                      "smaller."},
    broker_config_def{"log.message.timestamp.after.max.ms", t::int64, "3600000", at_least(0),
                      "Default for the topic config message.timestamp.after.max.ms."},
    broker_config_def{"log.message.timestamp.before.max.ms", t::int64, int64_max, at_least(0),
                      "Default for the topic config message.timestamp.before.max.ms."},
    broker_config_def{"log.message.timestamp.type", t::string, "CreateTime", one_of(timestamp_types),
                      "Default for the topic config message.timestamp.type."},
    broker_config_def{"log.preallocate", t::boolean, "false", any_value(),
                      "Default for the topic config preallocate."},
    broker_config_def{"log.retention.bytes", t::int64, "-1", any_value(),
                      "Default for the topic config retention.bytes."},
    broker_config_def{"log.retention.check.interval.ms", t::int64, "300000", at_least(1),
                      "How often every log is checked for segments that retention may delete."},
    broker_config_def{"log.retention.hours", t::int32, "168", any_value(),
                      "Default for the topic config retention.ms, in hours; log.retention.ms and "
                      "log.retention.minutes take precedence. Negative: no time limit."},
    broker_config_def{"log.retention.minutes", t::int32, std::nullopt, any_value(),
                      "Default for the topic config retention.ms, in minutes; log.retention.ms takes "
                      "precedence. Negative: no time limit."},
    broker_config_def{"log.retention.ms", t::int64, std::nullopt, any_value(),
                      "Default for the topic config retention.ms. Negative: no time limit."},
    broker_config_def{"log.roll.hours", t::int32, "168", at_least(1),
                      "Default for the topic config segment.ms, in hours; log.roll.ms takes precedence."},
    broker_config_def{"log.roll.jitter.hours", t::int32, "0", at_least(0),
                      "Default for the topic config segment.jitter.ms, in hours; log.roll.jitter.ms takes "
                      "precedence."},
    broker_config_def{"log.roll.jitter.ms", t::int64, std::nullopt, at_least(0),
                      "Default for the topic config segment.jitter.ms."},
    broker_config_def{"log.roll.ms", t::int64, std::nullopt, at_least(1),
                      "Default for the topic config segment.ms."},
    broker_config_def{"log.segment.bytes", t::int32, "1073741824", at_least(14),
                      "Default for the topic config segment.bytes."},
    broker_config_def{"log.segment.delete.delay.ms", t::int64, "60000", at_least(0),
                      "Default for the topic config file.delete.delay.ms."},
    broker_config_def{"max.connections", t::int32, int32_max, at_least(0),
                      "Connections the broker accepts at once, across listeners; more are closed on accept."},
    broker_config_def{"max.connections.per.ip", t::int32, int32_max, at_least(0),
                      "Connections the broker accepts at once from one client address."},
    broker_config_def{"message.max.bytes", t::int32, "1048588", at_least(0),
                      "Default for the topic config max.message.bytes."},
    broker_config_def{"min.insync.replicas", t::int32, "1", at_least(1),
                      "Default for the topic config min.insync.replicas."},
    broker_config_def{"node.id", t::int32, "1", at_least(0),
                      "This broker's id in the cluster. Sluice's default is 1 (Kafka requires it)."},
    broker_config_def{"num.partitions", t::int32, "1", at_least(1),
                      "Partition count of automatically created topics, and of CreateTopics requests that "
                      "leave it to the broker (-1)."},
    broker_config_def{"offset.metadata.max.bytes", t::int32, "4096", at_least(0),
                      "The longest metadata string an offset commit may carry (OFFSET_METADATA_TOO_LARGE)."},
    broker_config_def{"offsets.retention.check.interval.ms", t::int64, "600000", at_least(1),
                      "How often the group coordinator looks for expired committed offsets."},
    broker_config_def{"offsets.retention.minutes", t::int32, "10080", at_least(1),
                      "Committed offsets of a group without members are removed this long after the group "
                      "became empty (or after the commit, for standalone consumers)."},
    broker_config_def{"offsets.topic.num.partitions", t::int32, "50", at_least(1),
                      "Partition count of __consumer_offsets, fixed when it is created."},
    broker_config_def{"offsets.topic.replication.factor", t::int16, "3", at_least(1),
                      "Replication factor of __consumer_offsets; lowered to the number of live brokers when "
                      "there are fewer."},
    broker_config_def{"offsets.topic.segment.bytes", t::int32, "104857600", at_least(1),
                      "segment.bytes of __consumer_offsets, set when it is created."},
    broker_config_def{"queued.max.request.bytes", t::int64, "268435456", at_least(1),
                      "Bytes of requests read but not yet answered, per broker, shared out over the shards; "
                      "above it connections stop reading. Sluice's default is 256 MiB (Kafka's: unbounded)."},
    broker_config_def{"socket.request.max.bytes", t::int32, "104857600", at_least(1),
                      "The largest request accepted; a larger size prefix closes the connection."},
    broker_config_def{"transaction.state.log.num.partitions", t::int32, "50", at_least(1),
                      "Partition count of __transaction_state, fixed when it is created."},
    broker_config_def{"transaction.state.log.replication.factor", t::int16, "3", at_least(1),
                      "Replication factor of __transaction_state; lowered to the number of live brokers when "
                      "there are fewer."},
    broker_config_def{"unclean.leader.election.enable", t::boolean, "false", any_value(),
                      "Default for the topic config unclean.leader.election.enable."},
};

constexpr bool sorted_by_name(std::span<const broker_config_def> defs) {
    for (size_t i = 1; i < defs.size(); ++i)
        if (!(defs[i - 1].name < defs[i].name)) return false;
    return true;
}
static_assert(sorted_by_name(broker_configs), "find_broker_config searches by name");

// Kafka's broker synonym groups (DynamicBrokerConfig.brokerConfigSynonyms), precedence order.
constexpr std::array<std::string_view, 3> retention_group{"log.retention.ms", "log.retention.minutes",
                                                          "log.retention.hours"};
constexpr std::array<std::string_view, 2> roll_group{"log.roll.ms", "log.roll.hours"};
constexpr std::array<std::string_view, 2> jitter_group{"log.roll.jitter.ms", "log.roll.jitter.hours"};
constexpr std::array<std::string_view, 2> flush_group{"log.flush.interval.ms", "log.flush.scheduler.interval.ms"};

std::vector<std::string_view> synonym_group(std::string_view name) {
    for (std::span<const std::string_view> group : {std::span<const std::string_view>(retention_group),
                                                    std::span<const std::string_view>(roll_group),
                                                    std::span<const std::string_view>(jitter_group)})
        if (std::find(group.begin(), group.end(), name) != group.end()) return {group.begin(), group.end()};
    // Only log.flush.interval.ms falls back to the scheduler interval, not the other way round.
    if (name == flush_group[0]) return {flush_group.begin(), flush_group.end()};
    return {name};
}

bool wanted(const describe_options& options, std::string_view name) {
    if (options.keys.empty()) return true;
    return std::find(options.keys.begin(), options.keys.end(), name) != options.keys.end();
}

described_config describe_one(const broker_config_def& def, const storage::properties& broker,
                              const describe_options& options) {
    bool sensitive = def.type == config_type::password;
    auto shown = [&](std::string_view v) { return sensitive ? std::nullopt : std::optional<std::string>(v); };
    // Kafka lists every set value of the group, then every default, and drops what comes before
    // the described key's first appearance (the higher-precedence keys of its group).
    std::vector<std::string_view> group = synonym_group(def.name);
    std::vector<described_synonym> chain;
    for (std::string_view key : group)
        if (auto it = broker.find(key); it != broker.end())
            chain.push_back({std::string(key), shown(it->second), config_source::static_broker_config});
    for (std::string_view key : group)
        if (const broker_config_def* d = find_broker_config(key); d && d->default_value)
            chain.push_back({std::string(key), shown(*d->default_value), config_source::default_config});
    auto first = std::find_if(chain.begin(), chain.end(), [&](const described_synonym& s) { return s.name == def.name; });
    chain.erase(chain.begin(), first);

    described_config out;
    out.name = std::string(def.name);
    if (auto it = broker.find(def.name); it != broker.end()) out.value = shown(it->second);
    else if (def.default_value) out.value = shown(*def.default_value);
    out.source = chain.empty() ? config_source::default_config : chain.front().source;
    out.read_only = true;
    out.is_sensitive = sensitive;
    out.type = def.type;
    if (options.include_synonyms) out.synonyms = std::move(chain);
    if (options.include_documentation) out.documentation = std::string(def.documentation);
    return out;
}

} // namespace

std::span<const broker_config_def> all_broker_configs() { return broker_configs; }

const broker_config_def* find_broker_config(std::string_view name) {
    auto it = std::lower_bound(broker_configs.begin(), broker_configs.end(), name,
                               [](const broker_config_def& d, std::string_view n) { return d.name < n; });
    return it != broker_configs.end() && it->name == name ? &*it : nullptr;
}

std::optional<std::string> validate_broker_config(std::string_view name, std::string_view value) {
    const broker_config_def* def = find_broker_config(name);
    if (!def) return std::nullopt;
    return check_config_value(def->name, def->type, def->rule, value);
}

std::optional<std::string> validate_broker_configs(const storage::properties& broker) {
    for (const auto& [name, value] : broker)
        if (auto error = validate_broker_config(name, value)) return error;
    return std::nullopt;
}

std::vector<described_config> describe_broker_configs(const storage::properties& broker,
                                                      const describe_options& options) {
    std::vector<described_config> out;
    for (const broker_config_def& def : broker_configs)
        if (wanted(options, def.name)) out.push_back(describe_one(def, broker, options));
    return out;
}

} // namespace sluice::cluster
