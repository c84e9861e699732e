#include "storage/log_settings.h"

#include <optional>

#include "storage/checkpoint_file.h"

namespace sluice::storage {

namespace {

std::optional<int64_t> find_int(const properties& props, std::string_view key, int64_t min, int64_t max) {
    auto it = props.find(key);
    if (it == props.end()) return std::nullopt;
    std::optional<int64_t> value = parse_int64(it->second);
    if (!value || *value < min || *value > max)
        throw config_error(std::string(key) + "=" + it->second + ": expected an integer in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "]");
    return value;
}

std::optional<bool> find_log_append_time(const properties& props, std::string_view key) {
    auto it = props.find(key);
    if (it == props.end()) return std::nullopt;
    if (it->second == "LogAppendTime") return true;
    if (it->second == "CreateTime") return false;
    throw config_error(std::string(key) + "=" + it->second + ": expected CreateTime or LogAppendTime");
}

constexpr int64_t int32_max = std::numeric_limits<int32_t>::max();
constexpr int64_t int64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t hour_ms = 3'600'000;

// Kafka's lower bounds (LogConfig / ServerLogConfigs): a segment holds at least a record
// header, an index at least one entry.
struct key_names {
    std::string_view segment_bytes, segment_ms, jitter_ms, index_interval_bytes, segment_index_bytes,
        timestamp_type, flush_messages, flush_ms;
};

void apply(log_settings& s, const properties& props, const key_names& keys) {
    if (auto v = find_int(props, keys.segment_bytes, 14, int32_max)) s.log.segment.segment_bytes = static_cast<int32_t>(*v);
    if (auto v = find_int(props, keys.segment_ms, 1, int64_max)) s.log.segment_ms = *v;
    if (auto v = find_int(props, keys.jitter_ms, 0, int64_max)) s.log.segment_jitter_ms = *v;
    if (auto v = find_int(props, keys.index_interval_bytes, 0, int32_max))
        s.log.segment.index_interval_bytes = static_cast<int32_t>(*v);
    if (auto v = find_int(props, keys.segment_index_bytes, 8, int32_max))
        s.log.segment.segment_index_bytes = static_cast<int32_t>(*v);
    if (auto v = find_log_append_time(props, keys.timestamp_type)) s.log.log_append_time = *v;
    if (auto v = find_int(props, keys.flush_messages, 1, int64_max)) s.flush.flush_messages = *v;
    if (auto v = find_int(props, keys.flush_ms, 0, int64_max)) s.flush.flush_ms = *v;
}

} // namespace

int64_t property_int(const properties& props, std::string_view key, int64_t fallback) {
    auto it = props.find(key);
    if (it == props.end()) return fallback;
    return parse_int64(it->second).value_or(fallback);
}

log_dir_config log_dir_config_from(std::string dir, const properties& broker) {
    log_dir_config config;
    config.dir = std::move(dir);
    log_settings& s = config.defaults;
    // log.roll.ms wins over log.roll.hours when both are set (Kafka's rule).
    if (auto hours = find_int(broker, "log.roll.hours", 1, int64_max / hour_ms)) s.log.segment_ms = *hours * hour_ms;
    if (auto hours = find_int(broker, "log.roll.jitter.hours", 0, int64_max / hour_ms))
        s.log.segment_jitter_ms = *hours * hour_ms;
    apply(s, broker,
          {"log.segment.bytes", "log.roll.ms", "log.roll.jitter.ms", "log.index.interval.bytes",
           "log.index.size.max.bytes", "log.message.timestamp.type", "log.flush.interval.messages",
           "log.flush.interval.ms"});
    if (auto v = find_int(broker, "log.flush.offset.checkpoint.interval.ms", 0, int32_max))
        config.recovery_point_checkpoint_interval_ms = *v;
    if (auto v = find_int(broker, "log.flush.start.offset.checkpoint.interval.ms", 0, int32_max))
        config.log_start_offset_checkpoint_interval_ms = *v;
    if (auto v = find_int(broker, "log.max.open.files", 16, int32_max)) config.max_open_files = static_cast<size_t>(*v);
    if (auto v = find_int(broker, "producer.id.expiration.ms", 1, int32_max)) s.log.producer_id_expiration_ms = *v;
    return config;
}

log_settings with_topic_overrides(const log_settings& defaults, const properties& topic) {
    log_settings s = defaults;
    apply(s, topic,
          {"segment.bytes", "segment.ms", "segment.jitter.ms", "index.interval.bytes", "segment.index.bytes",
           "message.timestamp.type", "flush.messages", "flush.ms"});
    return s;
}

} // namespace sluice::storage
