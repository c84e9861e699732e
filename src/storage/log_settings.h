#pragma once
// log_settings: the per-log configuration and where it comes from. Broker-level keys of
// server.properties (log.segment.bytes, log.roll.hours, ...) give the defaults; a topic's
// overrides (segment.bytes, segment.ms, ...) replace them for its partitions, as in Kafka's
// LogConfig. Keys this module does not own (retention.*, cleanup.policy, ...) are ignored
// here. A bad value throws config_error: configuration is a start-up boundary (STYLE.md).
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "storage/log.h"
#include "storage/log_syncer.h"

namespace sluice::storage {

using properties = std::map<std::string, std::string, std::less<>>;

// The integer value of `key`, or `fallback` when it is absent or not an integer (the app
// validates every broker key at start, so callers past that point only see valid values).
int64_t property_int(const properties& props, std::string_view key, int64_t fallback);

class config_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// What one log is opened with.
struct log_settings {
    log_config log;
    flush_settings flush;
};

// log.max.open.files (Sluice's own key; Kafka keeps every segment file open). 10,000 keeps
// 100k idle partitions well inside a 64k-descriptor limit with room for connections; the log
// manager lowers it to half of RLIMIT_NOFILE when that is smaller.
inline constexpr size_t max_open_files_default = 10'000;
// log.flush.offset.checkpoint.interval.ms and log.flush.start.offset.checkpoint.interval.ms.
inline constexpr int64_t checkpoint_interval_ms_default = 60'000;

// One log directory's configuration.
struct log_dir_config {
    std::string dir;
    log_settings defaults;
    int64_t recovery_point_checkpoint_interval_ms = checkpoint_interval_ms_default;
    int64_t log_start_offset_checkpoint_interval_ms = checkpoint_interval_ms_default;
    size_t max_open_files = max_open_files_default;
};

// Broker keys: log.segment.bytes, log.roll.ms (else log.roll.hours), log.roll.jitter.ms (else
// log.roll.jitter.hours), log.index.interval.bytes, log.index.size.max.bytes,
// log.message.timestamp.type, log.flush.interval.messages, log.flush.interval.ms,
// log.flush.offset.checkpoint.interval.ms, log.flush.start.offset.checkpoint.interval.ms,
// log.max.open.files.
log_dir_config log_dir_config_from(std::string dir, const properties& broker);
// Topic keys: segment.bytes, segment.ms, segment.jitter.ms, index.interval.bytes,
// segment.index.bytes, message.timestamp.type, flush.messages, flush.ms.
log_settings with_topic_overrides(const log_settings& defaults, const properties& topic);

} // namespace sluice::storage
