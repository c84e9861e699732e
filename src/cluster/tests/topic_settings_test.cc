#include "cluster/topic_settings.h"

#include <gtest/gtest.h>

#include "cluster/topic_config.h"

namespace sluice::cluster {
namespace {

TEST(topic_settings, defaults_are_kafkas) {
    topic_settings s = effective_topic_settings({}, {});
    EXPECT_EQ(s.log.log.segment.segment_bytes, 1 << 30);
    EXPECT_EQ(s.log.log.segment_ms, 604'800'000);
    EXPECT_EQ(s.log.log.segment_jitter_ms, 0);
    EXPECT_EQ(s.log.log.segment.index_interval_bytes, 4096);
    EXPECT_EQ(s.log.log.segment.segment_index_bytes, 10 * 1024 * 1024);
    EXPECT_EQ(s.log.flush.flush_messages, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(s.log.flush.flush_ms, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(s.retention.retention_ms, 604'800'000);
    EXPECT_EQ(s.retention.retention_bytes, -1);
    EXPECT_TRUE(s.retention.delete_enabled);
    EXPECT_TRUE(s.delete_policy);
    EXPECT_FALSE(s.compact);
    EXPECT_EQ(s.compaction.min_cleanable_dirty_ratio, 0.5);
    EXPECT_EQ(s.compaction.min_compaction_lag_ms, 0);
    EXPECT_EQ(s.compaction.max_compaction_lag_ms, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(s.compaction.delete_retention_ms, 86'400'000);
    EXPECT_EQ(s.max_message_bytes, 1'048'588);
    EXPECT_EQ(s.compression_type, "producer");
    EXPECT_EQ(s.timestamp_before_max_ms, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(s.timestamp_after_max_ms, 3'600'000);
    EXPECT_FALSE(s.log_append_time);
    EXPECT_EQ(s.min_insync_replicas, 1);
    EXPECT_FALSE(s.unclean_leader_election);
}

TEST(topic_settings, overrides_win_over_broker_keys) {
    storage::properties broker{{"log.retention.hours", "1"},
                               {"log.segment.bytes", "2097152"},
                               {"log.cleanup.policy", "compact"},
                               {"message.max.bytes", "2000000"},
                               {"min.insync.replicas", "2"}};
    topic_settings s = effective_topic_settings(broker, {});
    EXPECT_EQ(s.retention.retention_ms, 3'600'000);
    EXPECT_EQ(s.log.log.segment.segment_bytes, 2'097'152);
    EXPECT_TRUE(s.compact);
    EXPECT_FALSE(s.delete_policy);
    EXPECT_FALSE(s.retention.delete_enabled);
    EXPECT_EQ(s.max_message_bytes, 2'000'000);
    EXPECT_EQ(s.min_insync_replicas, 2);

    storage::properties topic{{"retention.ms", "1000"},
                              {"segment.bytes", " 1048576 "}, // Kafka trims; storage gets "1048576"
                              {"cleanup.policy", "compact,delete"},
                              {"max.message.bytes", "500"},
                              {"message.timestamp.type", "LogAppendTime"},
                              {"message.timestamp.after.max.ms", "10"},
                              {"compression.type", "zstd"},
                              {"compression.zstd.level", "9"},
                              {"min.cleanable.dirty.ratio", "0.1"},
                              {"delete.retention.ms", "5"},
                              {"flush.messages", "1"},
                              {"min.insync.replicas", "3"}};
    s = effective_topic_settings(broker, topic);
    EXPECT_EQ(s.retention.retention_ms, 1000);
    EXPECT_EQ(s.log.log.segment.segment_bytes, 1'048'576);
    EXPECT_TRUE(s.compact);
    EXPECT_TRUE(s.delete_policy);
    EXPECT_TRUE(s.retention.delete_enabled);
    EXPECT_EQ(s.max_message_bytes, 500);
    EXPECT_TRUE(s.log_append_time);
    EXPECT_TRUE(s.log.log.log_append_time);
    EXPECT_EQ(s.timestamp_after_max_ms, 10);
    EXPECT_EQ(s.compression_type, "zstd");
    EXPECT_EQ(s.compression_zstd_level, 9);
    EXPECT_EQ(s.compaction.min_cleanable_dirty_ratio, 0.1);
    EXPECT_EQ(s.compaction.delete_retention_ms, 5);
    EXPECT_EQ(s.log.flush.flush_messages, 1);
    EXPECT_EQ(s.min_insync_replicas, 3);
}

TEST(topic_settings, empty_cleanup_policy_keeps_everything) {
    topic_settings s = effective_topic_settings({}, {{"cleanup.policy", ""}});
    EXPECT_FALSE(s.compact);
    EXPECT_FALSE(s.delete_policy);
    EXPECT_FALSE(s.retention.delete_enabled);
}

TEST(topic_settings, flush_ms_falls_back_to_the_scheduler_interval) {
    EXPECT_EQ(effective_topic_settings({{"log.flush.scheduler.interval.ms", "700"}}, {}).log.flush.flush_ms, 700);
    EXPECT_EQ(effective_topic_settings({{"log.flush.scheduler.interval.ms", "700"}, {"log.flush.interval.ms", "9"}}, {})
                  .log.flush.flush_ms,
              9);
}

// Storage resolves its own keys; DescribeConfigs uses the topic table. They must agree.
TEST(topic_settings, storage_keys_agree_with_describe) {
    std::vector<storage::properties> brokers{
        {},
        {{"log.roll.hours", "3"}, {"log.roll.jitter.hours", "1"}, {"log.index.interval.bytes", "100"}},
        {{"log.roll.hours", "3"}, {"log.roll.ms", "5000"}, {"log.roll.jitter.ms", "7"}, {"log.roll.jitter.hours", "1"}},
        {{"log.index.size.max.bytes", "4096"}, {"log.flush.interval.messages", "10"}, {"log.flush.interval.ms", "20"},
         {"log.message.timestamp.type", "LogAppendTime"}, {"log.segment.bytes", "1000"}},
    };
    std::vector<storage::properties> topics{{}, {{"segment.ms", "99"}, {"flush.ms", "3"}, {"segment.jitter.ms", "2"}}};
    for (const auto& broker : brokers)
        for (const auto& topic : topics) {
            topic_settings s = effective_topic_settings(broker, topic);
            auto value = [&](std::string_view key) {
                return config_int(resolve_topic_config(*find_topic_config(key), broker, topic).value);
            };
            EXPECT_EQ(s.log.log.segment.segment_bytes, value("segment.bytes"));
            EXPECT_EQ(s.log.log.segment_ms, value("segment.ms"));
            EXPECT_EQ(s.log.log.segment_jitter_ms, value("segment.jitter.ms"));
            EXPECT_EQ(s.log.log.segment.index_interval_bytes, value("index.interval.bytes"));
            EXPECT_EQ(s.log.log.segment.segment_index_bytes, value("segment.index.bytes"));
            EXPECT_EQ(s.log.flush.flush_messages, value("flush.messages"));
            EXPECT_EQ(s.log.flush.flush_ms, value("flush.ms"));
            EXPECT_EQ(s.log_append_time,
                      resolve_topic_config(*find_topic_config("message.timestamp.type"), broker, topic).value ==
                          "LogAppendTime");
        }
}

TEST(topic_settings, invalid_input_throws_config_error) {
    EXPECT_THROW(effective_topic_settings({}, {{"segment.bytes", "-1"}}), storage::config_error);
    EXPECT_THROW(effective_topic_settings({}, {{"no.such.key", "1"}}), storage::config_error);
    EXPECT_THROW(effective_topic_settings({{"log.retention.hours", "x"}}, {}), storage::config_error);
}

} // namespace
} // namespace sluice::cluster
