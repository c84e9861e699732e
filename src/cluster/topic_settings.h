#pragma once
// topic_settings: what a topic's partitions run with, typed, from the broker's properties and
// the topic's overrides by the rules of topic_config.h (override, then broker synonym, then
// Kafka's default). Storage keeps owning the keys it reads itself: `log` comes from
// storage::log_dir_config_from and storage::with_topic_overrides.
//
// Stateless; any thread.
#include <cstdint>
#include <limits>
#include <string>

#include "storage/compaction/compaction_config.h"
#include "storage/log_settings.h"
#include "storage/retention.h"

namespace sluice::cluster {

struct topic_settings {
    // segment.bytes, segment.ms, segment.jitter.ms, index.interval.bytes, segment.index.bytes,
    // message.timestamp.type, flush.messages, flush.ms.
    storage::log_settings log;
    // retention.ms, retention.bytes; delete_enabled is delete_policy.
    storage::retention_config retention;
    // min.cleanable.dirty.ratio, min.compaction.lag.ms, max.compaction.lag.ms, delete.retention.ms.
    storage::compaction_config compaction;
    bool compact = false;      // cleanup.policy contains "compact"
    bool delete_policy = true; // cleanup.policy contains "delete"
    int32_t max_message_bytes = 1'048'588;
    std::string compression_type = "producer";
    int32_t compression_gzip_level = -1;
    int32_t compression_lz4_level = 9;
    int32_t compression_zstd_level = 3;
    int64_t timestamp_before_max_ms = std::numeric_limits<int64_t>::max();
    int64_t timestamp_after_max_ms = 3'600'000;
    bool log_append_time = false; // message.timestamp.type=LogAppendTime (also log.log.log_append_time)
    int32_t min_insync_replicas = 1;
    bool unclean_leader_election = false;
    int64_t file_delete_delay_ms = 60'000;
};

// `broker` must have passed validate_broker_configs and `topic_overrides`
// validate_topic_configs; then nothing throws. An invalid value throws storage::config_error.
topic_settings effective_topic_settings(const storage::properties& broker, const storage::properties& topic_overrides);

} // namespace sluice::cluster
