// The topic config table: Kafka 4.0's topic configs (names, types, defaults, ranges and broker
// synonyms from Kafka 4.0's LogConfig and ServerTopicConfigSynonyms), documented in our words.
#include <array>

#include "cluster/topic_config.h"

namespace sluice::cluster {

namespace {

using t = config_type;
constexpr std::string_view int64_max = "9223372036854775807";
constexpr int64_t ms_per_minute = 60'000;
constexpr int64_t ms_per_hour = 3'600'000;

template <size_t N>
using synonyms = std::array<broker_synonym, N>;

constexpr synonyms<0> none{};
constexpr synonyms<1> log_cleanup_policy{{{"log.cleanup.policy"}}};
constexpr synonyms<1> gzip_level_synonym{{{"compression.gzip.level"}}};
constexpr synonyms<1> lz4_level_synonym{{{"compression.lz4.level"}}};
constexpr synonyms<1> compression_type_synonym{{{"compression.type"}}};
constexpr synonyms<1> zstd_level_synonym{{{"compression.zstd.level"}}};
constexpr synonyms<1> cleaner_delete_retention{{{"log.cleaner.delete.retention.ms"}}};
constexpr synonyms<1> segment_delete_delay{{{"log.segment.delete.delay.ms"}}};
constexpr synonyms<1> flush_interval_messages{{{"log.flush.interval.messages"}}};
constexpr synonyms<2> flush_interval_ms{{{"log.flush.interval.ms"}, {"log.flush.scheduler.interval.ms"}}};
constexpr synonyms<1> index_interval{{{"log.index.interval.bytes"}}};
constexpr synonyms<1> local_retention_bytes{{{"log.local.retention.bytes"}}};
constexpr synonyms<1> local_retention_ms{{{"log.local.retention.ms"}}};
constexpr synonyms<1> cleaner_max_lag{{{"log.cleaner.max.compaction.lag.ms"}}};
constexpr synonyms<1> message_max_bytes{{{"message.max.bytes"}}};
constexpr synonyms<1> timestamp_after{{{"log.message.timestamp.after.max.ms"}}};
constexpr synonyms<1> timestamp_before{{{"log.message.timestamp.before.max.ms"}}};
constexpr synonyms<1> timestamp_type{{{"log.message.timestamp.type"}}};
constexpr synonyms<1> cleaner_ratio{{{"log.cleaner.min.cleanable.ratio"}}};
constexpr synonyms<1> cleaner_min_lag{{{"log.cleaner.min.compaction.lag.ms"}}};
constexpr synonyms<1> min_insync{{{"min.insync.replicas"}}};
constexpr synonyms<1> log_preallocate{{{"log.preallocate"}}};
constexpr synonyms<1> log_retention_bytes{{{"log.retention.bytes"}}};
constexpr synonyms<3> log_retention_time{{{"log.retention.ms", 1, true},
                                          {"log.retention.minutes", ms_per_minute, true},
                                          {"log.retention.hours", ms_per_hour, true}}};
constexpr synonyms<1> log_segment_bytes{{{"log.segment.bytes"}}};
constexpr synonyms<1> log_index_size{{{"log.index.size.max.bytes"}}};
constexpr synonyms<2> log_roll_jitter{{{"log.roll.jitter.ms"}, {"log.roll.jitter.hours", ms_per_hour}}};
constexpr synonyms<2> log_roll{{{"log.roll.ms"}, {"log.roll.hours", ms_per_hour}}};
constexpr synonyms<1> unclean_election{{{"unclean.leader.election.enable"}}};

// Sorted by name (checked below).
constexpr std::array topic_configs{
    topic_config_def{"cleanup.policy", t::list, "delete", each_one_of(cleanup_policies), log_cleanup_policy,
                     "What happens to old data: \"delete\" removes whole segments once retention.ms or "
                     "retention.bytes is exceeded; \"compact\" keeps only the latest record of each key. Both "
                     "may be given, comma-separated; an empty list keeps everything."},
    topic_config_def{"compression.gzip.level", t::int32, "-1", gzip_level(), gzip_level_synonym,
                     "The gzip level used when compression.type is gzip: 1 (fastest) to 9 (smallest), or -1 "
                     "for zlib's default."},
    topic_config_def{"compression.lz4.level", t::int32, "9", between(1, 17), lz4_level_synonym,
                     "The lz4 level used when compression.type is lz4: 1 to 17, higher is smaller and slower."},
    topic_config_def{"compression.type", t::string, "producer", one_of(compression_types), compression_type_synonym,
                     "The codec batches are stored with: gzip, snappy, lz4 or zstd recompress to that codec, "
                     "uncompressed stores them uncompressed, producer keeps the codec each producer chose."},
    topic_config_def{"compression.zstd.level", t::int32, "3", between(-131072, 22), zstd_level_synonym,
                     "The zstd level used when compression.type is zstd: -131072 to 22; negative levels "
                     "trade ratio for speed."},
    topic_config_def{"delete.retention.ms", t::int64, "86400000", at_least(0), cleaner_delete_retention,
                     "How long a compacted topic keeps a tombstone (a record with a null value) once the "
                     "cleaner has reached it, so that consumers reading from the start still see the delete."},
    topic_config_def{"file.delete.delay.ms", t::int64, "60000", at_least(0), segment_delete_delay,
                     "How long the files of a deleted segment wait before they are removed from disk."},
    topic_config_def{"flush.messages", t::int64, int64_max, at_least(1), flush_interval_messages,
                     "Force an fsync of the log once this many records are not yet synced. The default leaves "
                     "syncing to the operating system and to replication."},
    topic_config_def{"flush.ms", t::int64, int64_max, at_least(0), flush_interval_ms,
                     "Force an fsync of the log once its oldest unsynced data is this old. The default leaves "
                     "syncing to the operating system and to replication."},
    topic_config_def{"follower.replication.throttled.replicas", t::list, "", replica_list(), none,
                     "Replicas whose fetching is throttled on the follower side: partition:broker pairs, "
                     "comma-separated, or * for every replica of the topic."},
    topic_config_def{"index.interval.bytes", t::int32, "4096", at_least(0), index_interval,
                     "Bytes of records between two offset-index entries. Smaller lands lookups closer to "
                     "their target and makes the index larger."},
    topic_config_def{"leader.replication.throttled.replicas", t::list, "", replica_list(), none,
                     "Replicas whose fetches the leader throttles: partition:broker pairs, comma-separated, "
                     "or * for every replica of the topic."},
    topic_config_def{"local.retention.bytes", t::int64, "-2", at_least(-2), local_retention_bytes,
                     "With tiered storage, the size the local part of a partition may reach before its oldest "
                     "segments are deleted locally; -2 means retention.bytes."},
    topic_config_def{"local.retention.ms", t::int64, "-2", at_least(-2), local_retention_ms,
                     "With tiered storage, how long a segment stays on local disk; -2 means retention.ms."},
    topic_config_def{"max.compaction.lag.ms", t::int64, int64_max, at_least(1), cleaner_max_lag,
                     "The longest a record may stay uncompacted: past it the cleaner compacts that part of the "
                     "log whatever the dirty ratio."},
    topic_config_def{"max.message.bytes", t::int32, "1048588", at_least(0), message_max_bytes,
                     "The largest record batch the topic accepts, measured after compression."},
    topic_config_def{"message.timestamp.after.max.ms", t::int64, "3600000", at_least(0), timestamp_after,
                     "With CreateTime, how far ahead of the broker's clock a batch's timestamps may be before "
                     "the batch is refused."},
    topic_config_def{"message.timestamp.before.max.ms", t::int64, int64_max, at_least(0), timestamp_before,
                     "With CreateTime, how far behind the broker's clock a batch's timestamps may be before "
                     "the batch is refused."},
    topic_config_def{"message.timestamp.type", t::string, "CreateTime", one_of(timestamp_types), timestamp_type,
                     "The time records carry: CreateTime keeps the producer's timestamps, LogAppendTime "
                     "replaces them with the broker's clock at append."},
    topic_config_def{"min.cleanable.dirty.ratio", t::float64, "0.5", between(0, 1), cleaner_ratio,
                     "The cleaner compacts a log once its uncompacted part is at least this fraction of it. "
                     "Higher: fewer, cheaper cleanings and more superseded records kept on disk."},
    topic_config_def{"min.compaction.lag.ms", t::int64, "0", at_least(0), cleaner_min_lag,
                     "The shortest time a record stays uncompacted, so consumers have at least that long to "
                     "see every update of a key."},
    topic_config_def{"min.insync.replicas", t::int32, "1", at_least(1), min_insync,
                     "With acks=all, how many in-sync replicas must hold a batch for the produce to succeed; "
                     "with fewer in sync, produces fail with NOT_ENOUGH_REPLICAS."},
    topic_config_def{"preallocate", t::boolean, "false", any_value(), log_preallocate,
                     "Whether a new segment file is allocated at full size when created. Sluice keeps and "
                     "shows the value but never preallocates."},
    topic_config_def{"remote.log.copy.disable", t::boolean, "false", any_value(), none,
                     "With tiered storage, stop copying segments to remote storage, leaving the remote data "
                     "read-only."},
    topic_config_def{"remote.log.delete.on.disable", t::boolean, "false", any_value(), none,
                     "With tiered storage, delete the topic's remote data when remote.storage.enable is "
                     "turned off."},
    topic_config_def{"remote.storage.enable", t::boolean, "false", any_value(), none,
                     "Whether older segments move to remote (tiered) storage. Sluice has no tiered storage "
                     "and refuses true."},
    topic_config_def{"retention.bytes", t::int64, "-1", any_value(), log_retention_bytes,
                     "With the delete policy, the size one partition may reach before its oldest segments are "
                     "deleted; -1 means no size limit."},
    topic_config_def{"retention.ms", t::int64, "604800000", at_least(-1), log_retention_time,
                     "With the delete policy, how long a segment is kept after its newest record; -1 means no "
                     "time limit."},
    topic_config_def{"segment.bytes", t::int32, "1073741824", at_least(14), log_segment_bytes,
                     "The size at which a partition's active segment is closed and a new one begun. Retention "
                     "and compaction work on whole segments."},
    // Kafka's minimum is 4; storage needs room for one 8-byte offset-index entry.
    topic_config_def{"segment.index.bytes", t::int32, "10485760", at_least(8), log_index_size,
                     "The space reserved for each segment's offset index; a segment whose index is full is "
                     "rolled."},
    topic_config_def{"segment.jitter.ms", t::int64, "0", at_least(0), log_roll_jitter,
                     "Up to this much, chosen at random per partition, is taken off segment.ms so that "
                     "partitions do not all roll at once."},
    topic_config_def{"segment.ms", t::int64, "604800000", at_least(1), log_roll,
                     "The age at which an active segment is rolled even when not full, so that retention and "
                     "compaction reach its data."},
    topic_config_def{"unclean.leader.election.enable", t::boolean, "false", any_value(), unclean_election,
                     "Whether a replica outside the ISR may become leader when no in-sync replica is left, "
                     "losing the records it lacks."},
};

constexpr bool sorted_by_name(std::span<const topic_config_def> defs) {
    for (size_t i = 1; i < defs.size(); ++i)
        if (!(defs[i - 1].name < defs[i].name)) return false;
    return true;
}
static_assert(sorted_by_name(topic_configs), "find_topic_config searches by name");

} // namespace

std::span<const topic_config_def> all_topic_configs() { return topic_configs; }

} // namespace sluice::cluster
