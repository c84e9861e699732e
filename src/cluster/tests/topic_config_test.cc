#include "cluster/topic_config.h"

#include <gtest/gtest.h>

#include "cluster/broker_config_defs.h"

namespace sluice::cluster {
namespace {

using source = config_source;

const described_config& only(const std::vector<described_config>& entries) {
    EXPECT_EQ(entries.size(), 1u);
    return entries.at(0);
}

described_config describe_one(std::string_view key, const storage::properties& topic,
                              const storage::properties& broker, bool synonyms = true) {
    std::vector<std::string> keys{std::string(key)};
    return only(describe_topic_configs(topic, broker, {.keys = keys, .include_synonyms = synonyms}));
}

TEST(topic_config, covers_kafka_4_0_topic_configs) {
    // Kafka 4.0's topic_config.html lists 33 keys; message.format.version,
    // message.downconversion.enable and message.timestamp.difference.max.ms are gone in 4.0.
    EXPECT_EQ(all_topic_configs().size(), 33u);
    EXPECT_EQ(find_topic_config("message.downconversion.enable"), nullptr);
    EXPECT_EQ(find_topic_config("message.format.version"), nullptr);
    EXPECT_EQ(find_topic_config("message.timestamp.difference.max.ms"), nullptr);
    EXPECT_EQ(find_topic_config("nope"), nullptr);
}

TEST(topic_config, kafka_defaults_and_types) {
    struct expected {
        std::string_view name, default_value;
        config_type type;
    };
    for (const expected& e : std::initializer_list<expected>{
             {"cleanup.policy", "delete", config_type::list},
             {"compression.type", "producer", config_type::string},
             {"compression.zstd.level", "3", config_type::int32},
             {"delete.retention.ms", "86400000", config_type::int64},
             {"max.compaction.lag.ms", "9223372036854775807", config_type::int64},
             {"max.message.bytes", "1048588", config_type::int32},
             {"message.timestamp.after.max.ms", "3600000", config_type::int64},
             {"message.timestamp.before.max.ms", "9223372036854775807", config_type::int64},
             {"message.timestamp.type", "CreateTime", config_type::string},
             {"min.cleanable.dirty.ratio", "0.5", config_type::float64},
             {"min.insync.replicas", "1", config_type::int32},
             {"retention.bytes", "-1", config_type::int64},
             {"retention.ms", "604800000", config_type::int64},
             {"segment.bytes", "1073741824", config_type::int32},
             {"segment.index.bytes", "10485760", config_type::int32},
             {"segment.ms", "604800000", config_type::int64},
             {"unclean.leader.election.enable", "false", config_type::boolean},
             {"leader.replication.throttled.replicas", "", config_type::list},
         }) {
        const topic_config_def* def = find_topic_config(e.name);
        ASSERT_NE(def, nullptr) << e.name;
        EXPECT_EQ(def->default_value, e.default_value) << e.name;
        EXPECT_EQ(def->type, e.type) << e.name;
    }
}

TEST(topic_config, every_default_is_valid_and_canonical) {
    for (const topic_config_def& def : all_topic_configs()) {
        std::string canonical;
        EXPECT_EQ(def.validate(def.default_value, &canonical), std::nullopt) << def.name;
        EXPECT_EQ(canonical, def.default_value) << def.name;
        EXPECT_FALSE(def.documentation.empty()) << def.name;
        for (const broker_synonym& synonym : def.synonyms) {
            const broker_config_def* broker = find_broker_config(synonym.name);
            ASSERT_NE(broker, nullptr) << def.name << " <- " << synonym.name;
            // A broker default converts to the topic default (log.retention.hours=168 -> 7 days).
            if (!broker->default_value) continue;
            storage::properties props{{std::string(synonym.name), std::string(*broker->default_value)}};
            EXPECT_EQ(resolve_topic_config(def, props, {}).value, def.default_value) << def.name << " <- " << synonym.name;
        }
    }
}

TEST(topic_config, synonyms_in_kafka_precedence_order) {
    auto names = [](std::string_view key) {
        std::vector<std::string_view> out;
        for (const broker_synonym& s : find_topic_config(key)->synonyms) out.push_back(s.name);
        return out;
    };
    using v = std::vector<std::string_view>;
    EXPECT_EQ(names("retention.ms"), (v{"log.retention.ms", "log.retention.minutes", "log.retention.hours"}));
    EXPECT_EQ(names("segment.ms"), (v{"log.roll.ms", "log.roll.hours"}));
    EXPECT_EQ(names("segment.jitter.ms"), (v{"log.roll.jitter.ms", "log.roll.jitter.hours"}));
    EXPECT_EQ(names("flush.ms"), (v{"log.flush.interval.ms", "log.flush.scheduler.interval.ms"}));
    EXPECT_EQ(names("segment.bytes"), (v{"log.segment.bytes"}));
    EXPECT_EQ(names("max.message.bytes"), (v{"message.max.bytes"}));
    EXPECT_EQ(names("cleanup.policy"), (v{"log.cleanup.policy"}));
    EXPECT_EQ(names("compression.type"), (v{"compression.type"}));
    EXPECT_EQ(names("min.insync.replicas"), (v{"min.insync.replicas"}));
    EXPECT_EQ(names("message.timestamp.type"), (v{"log.message.timestamp.type"}));
    EXPECT_EQ(names("min.cleanable.dirty.ratio"), (v{"log.cleaner.min.cleanable.ratio"}));
    EXPECT_EQ(names("file.delete.delay.ms"), (v{"log.segment.delete.delay.ms"}));
    EXPECT_EQ(names("segment.index.bytes"), (v{"log.index.size.max.bytes"}));
    EXPECT_TRUE(names("remote.storage.enable").empty());
}

TEST(topic_config, validation_messages_are_kafkas) {
    EXPECT_EQ(validate_topic_config("segment.bytes", "-1"),
              "Invalid value -1 for configuration segment.bytes: Value must be at least 14");
    EXPECT_EQ(validate_topic_config("cleanup.policy", "foo"),
              "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete");
    EXPECT_EQ(validate_topic_config("cleanup.policy", "compact,foo"),
              "Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete");
    EXPECT_EQ(validate_topic_config("retention.ms", "abc"),
              "Invalid value abc for configuration retention.ms: Not a number of type LONG");
    EXPECT_EQ(validate_topic_config("segment.bytes", "2147483648"),
              "Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT");
    EXPECT_EQ(validate_topic_config("retention.ms", "-2"),
              "Invalid value -2 for configuration retention.ms: Value must be at least -1");
    EXPECT_EQ(validate_topic_config("min.cleanable.dirty.ratio", "1.5"),
              "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1");
    EXPECT_EQ(validate_topic_config("preallocate", "yes"),
              "Invalid value yes for configuration preallocate: Expected value to be either true or false");
    EXPECT_EQ(validate_topic_config("compression.type", "brotli"),
              "Invalid value brotli for configuration compression.type: String must be one of: uncompressed, "
              "zstd, lz4, snappy, gzip, producer");
    EXPECT_EQ(validate_topic_config("message.timestamp.type", "createtime"),
              "Invalid value createtime for configuration message.timestamp.type: String must be one of: "
              "CreateTime, LogAppendTime");
    EXPECT_EQ(validate_topic_config("compression.lz4.level", "18"),
              "Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17");
    EXPECT_EQ(validate_topic_config("no.such.key", "1"), "Unknown topic config name: no.such.key");
    EXPECT_EQ(validate_topic_config("compression.gzip.level", "0"),
              "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal "
              "to -1");
    EXPECT_NE(validate_topic_config("leader.replication.throttled.replicas", "0:x"), std::nullopt);
    EXPECT_NE(validate_topic_config("min.cleanable.dirty.ratio", "nan"), std::nullopt);
}

TEST(topic_config, accepts_what_kafka_parses) {
    for (auto [name, value] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"segment.bytes", " 1048576 "},
             {"segment.bytes", "+1048576"},
             {"retention.ms", "-1"},
             {"retention.bytes", "-5"},
             {"cleanup.policy", "compact, delete"},
             {"cleanup.policy", ""},
             {"preallocate", "TRUE"},
             {"min.cleanable.dirty.ratio", "0"},
             {"min.cleanable.dirty.ratio", "1e-1"},
             {"compression.gzip.level", "-1"},
             {"compression.zstd.level", "-131072"},
             {"leader.replication.throttled.replicas", "*"},
             {"follower.replication.throttled.replicas", "0:1, 1:2"},
             {"local.retention.ms", "-2"},
         })
        EXPECT_EQ(validate_topic_config(name, value), std::nullopt) << name << "=" << value;
}

TEST(topic_config, canonical_values) {
    auto canonical = [](std::string_view name, std::string_view value) {
        std::string out;
        EXPECT_EQ(find_topic_config(name)->validate(value, &out), std::nullopt);
        return out;
    };
    EXPECT_EQ(canonical("segment.bytes", " +0001048576"), "1048576");
    EXPECT_EQ(canonical("cleanup.policy", " compact ,delete "), "compact,delete");
    EXPECT_EQ(canonical("preallocate", "True"), "true");
    EXPECT_EQ(canonical("min.cleanable.dirty.ratio", "1"), "1.0");
    EXPECT_EQ(canonical("min.cleanable.dirty.ratio", ".25"), "0.25");
    EXPECT_EQ(canonical("min.cleanable.dirty.ratio", "0.0001"), "1.0E-4");
    EXPECT_EQ(canonical("message.timestamp.type", " LogAppendTime"), "LogAppendTime");
}

TEST(topic_config, validates_a_whole_set) {
    EXPECT_EQ(validate_topic_configs({{"cleanup.policy", "compact"}, {"min.compaction.lag.ms", "100"}}), std::nullopt);
    EXPECT_EQ(validate_topic_configs({{"segment.bytes", "1"}}),
              "Invalid value 1 for configuration segment.bytes: Value must be at least 14");
    EXPECT_EQ(validate_topic_configs({{"min.compaction.lag.ms", "100"}, {"max.compaction.lag.ms", "10"}}),
              "conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (10)");
    // The broker's value counts when the topic does not set the other key.
    EXPECT_NE(validate_topic_configs({{"min.compaction.lag.ms", "100"}}, {{"log.cleaner.max.compaction.lag.ms", "50"}}),
              std::nullopt);
    EXPECT_NE(validate_topic_configs({{"remote.storage.enable", "true"}}), std::nullopt);
    EXPECT_EQ(validate_topic_configs({{"remote.storage.enable", "false"}}), std::nullopt);
}

TEST(topic_config, describe_defaults) {
    described_config entry = describe_one("segment.bytes", {}, {});
    EXPECT_EQ(entry.value, "1073741824");
    EXPECT_EQ(entry.source, source::default_config);
    EXPECT_FALSE(entry.read_only);
    EXPECT_FALSE(entry.is_sensitive);
    EXPECT_EQ(entry.type, config_type::int32);
    EXPECT_EQ(entry.synonyms, (std::vector<described_synonym>{{"log.segment.bytes", "1073741824", source::default_config}}));
    EXPECT_EQ(entry.documentation, std::nullopt);

    // A topic-only key has no synonyms to list.
    entry = describe_one("remote.storage.enable", {}, {});
    EXPECT_EQ(entry.value, "false");
    EXPECT_EQ(entry.source, source::default_config);
    EXPECT_TRUE(entry.synonyms.empty());
}

TEST(topic_config, retention_ms_from_log_retention_hours) {
    storage::properties broker{{"log.retention.hours", "1"}};
    described_config entry = describe_one("retention.ms", {}, broker);
    EXPECT_EQ(entry.value, "3600000");
    EXPECT_EQ(entry.source, source::static_broker_config);
    EXPECT_EQ(entry.synonyms, (std::vector<described_synonym>{
                                  {"log.retention.hours", "1", source::static_broker_config},
                                  {"log.retention.hours", "168", source::default_config},
                              }));

    // log.retention.ms outranks the hours; both are listed, in precedence order.
    broker["log.retention.ms"] = "5000";
    entry = describe_one("retention.ms", {}, broker);
    EXPECT_EQ(entry.value, "5000");
    EXPECT_EQ(entry.source, source::static_broker_config);
    EXPECT_EQ(entry.synonyms, (std::vector<described_synonym>{
                                  {"log.retention.ms", "5000", source::static_broker_config},
                                  {"log.retention.hours", "1", source::static_broker_config},
                                  {"log.retention.hours", "168", source::default_config},
                              }));

    EXPECT_EQ(describe_one("retention.ms", {}, {{"log.retention.minutes", "2"}}).value, "120000");
    // Any negative broker retention means no limit.
    EXPECT_EQ(describe_one("retention.ms", {}, {{"log.retention.hours", "-3"}}).value, "-1");
}

TEST(topic_config, topic_override_wins) {
    storage::properties broker{{"log.retention.hours", "1"}};
    described_config entry = describe_one("retention.ms", {{"retention.ms", " 1000"}}, broker);
    EXPECT_EQ(entry.value, "1000");
    EXPECT_EQ(entry.source, source::topic_config);
    EXPECT_EQ(entry.synonyms, (std::vector<described_synonym>{
                                  {"retention.ms", "1000", source::topic_config},
                                  {"log.retention.hours", "1", source::static_broker_config},
                                  {"log.retention.hours", "168", source::default_config},
                              }));

    entry = describe_one("cleanup.policy", {{"cleanup.policy", "compact , delete"}}, {}, false);
    EXPECT_EQ(entry.value, "compact,delete");
    EXPECT_EQ(entry.source, source::topic_config);
    EXPECT_TRUE(entry.synonyms.empty()); // not asked for
}

TEST(topic_config, describe_filters_keys_and_adds_documentation) {
    std::vector<described_config> all = describe_topic_configs({}, {}, {});
    EXPECT_EQ(all.size(), all_topic_configs().size());
    for (const described_config& entry : all) {
        EXPECT_TRUE(entry.synonyms.empty());
        EXPECT_EQ(entry.documentation, std::nullopt);
        EXPECT_TRUE(entry.value.has_value());
    }

    std::vector<std::string> keys{"segment.ms", "no.such.key", "cleanup.policy"};
    std::vector<described_config> some = describe_topic_configs({}, {}, {.keys = keys, .include_documentation = true});
    ASSERT_EQ(some.size(), 2u); // unknown names are left out, as in Kafka
    EXPECT_EQ(some[0].name, "cleanup.policy");
    EXPECT_EQ(some[1].name, "segment.ms");
    EXPECT_EQ(some[1].documentation, std::string(find_topic_config("segment.ms")->documentation));
}

TEST(topic_config, describe_converts_roll_hours_and_flush_fallback) {
    storage::properties broker{{"log.roll.hours", "2"}, {"log.flush.scheduler.interval.ms", "500"}};
    EXPECT_EQ(describe_one("segment.ms", {}, broker).value, "7200000");
    described_config flush = describe_one("flush.ms", {}, broker);
    EXPECT_EQ(flush.value, "500");
    EXPECT_EQ(flush.synonyms, (std::vector<described_synonym>{
                                  {"log.flush.scheduler.interval.ms", "500", source::static_broker_config},
                                  {"log.flush.scheduler.interval.ms", "9223372036854775807", source::default_config},
                              }));
}

} // namespace
} // namespace sluice::cluster
