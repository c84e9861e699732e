#include "cluster/broker_config_defs.h"

#include <gtest/gtest.h>

namespace sluice::cluster {
namespace {

using source = config_source;

described_config describe_one(std::string_view key, const storage::properties& broker) {
    std::vector<std::string> keys{std::string(key)};
    std::vector<described_config> entries = describe_broker_configs(broker, {.keys = keys, .include_synonyms = true});
    EXPECT_EQ(entries.size(), 1u);
    return entries.at(0);
}

TEST(broker_config_defs, every_default_is_valid) {
    for (const broker_config_def& def : all_broker_configs()) {
        EXPECT_FALSE(def.documentation.empty()) << def.name;
        if (!def.default_value) continue;
        std::string canonical;
        EXPECT_EQ(check_config_value(def.name, def.type, def.rule, *def.default_value, &canonical), std::nullopt)
            << def.name;
        EXPECT_EQ(canonical, *def.default_value) << def.name;
    }
}

TEST(broker_config_defs, the_keys_sluice_uses) {
    for (std::string_view name :
         {"log.retention.ms", "log.retention.minutes", "log.retention.hours", "log.segment.bytes", "num.partitions",
          "default.replication.factor", "auto.create.topics.enable", "message.max.bytes", "log.cleanup.policy",
          "compression.type", "min.insync.replicas", "offsets.topic.num.partitions", "log.dirs", "node.id",
          "listeners", "advertised.listeners", "log.max.open.files", "queued.max.request.bytes"})
        EXPECT_NE(find_broker_config(name), nullptr) << name;
    EXPECT_EQ(find_broker_config("retention.ms"), nullptr);
}

TEST(broker_config_defs, validation) {
    EXPECT_EQ(validate_broker_config("log.segment.bytes", "13"),
              "Invalid value 13 for configuration log.segment.bytes: Value must be at least 14");
    EXPECT_EQ(validate_broker_config("num.partitions", "x"),
              "Invalid value x for configuration num.partitions: Not a number of type INT");
    EXPECT_EQ(validate_broker_config("offsets.topic.replication.factor", "40000"),
              "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT");
    EXPECT_EQ(validate_broker_config("some.key.we.do.not.know", "anything"), std::nullopt);
    EXPECT_EQ(validate_broker_configs({{"log.retention.hours", "1"}, {"unknown", "x"}}), std::nullopt);
    EXPECT_NE(validate_broker_configs({{"log.cleanup.policy", "forever"}}), std::nullopt);
}

TEST(broker_config_defs, describe_static_and_default) {
    storage::properties broker{{"log.retention.hours", "1"}, {"num.partitions", "3"}};
    described_config hours = describe_one("log.retention.hours", broker);
    EXPECT_EQ(hours.value, "1");
    EXPECT_EQ(hours.source, source::static_broker_config);
    EXPECT_TRUE(hours.read_only);
    EXPECT_EQ(hours.type, config_type::int32);
    EXPECT_EQ(hours.synonyms, (std::vector<described_synonym>{
                                  {"log.retention.hours", "1", source::static_broker_config},
                                  {"log.retention.hours", "168", source::default_config},
                              }));

    // Unset and without a default: null, DEFAULT_CONFIG, nothing to list (Kafka shows the same).
    described_config ms = describe_one("log.retention.ms", broker);
    EXPECT_EQ(ms.value, std::nullopt);
    EXPECT_EQ(ms.source, source::default_config);
    EXPECT_TRUE(ms.synonyms.empty());

    // A higher-precedence key of the group set: the described key still shows its own value.
    hours = describe_one("log.retention.hours", {{"log.retention.ms", "5"}});
    EXPECT_EQ(hours.value, "168");
    EXPECT_EQ(hours.source, source::default_config);
    EXPECT_EQ(hours.synonyms,
              (std::vector<described_synonym>{{"log.retention.hours", "168", source::default_config}}));
    ms = describe_one("log.retention.ms", {{"log.retention.ms", "5"}});
    EXPECT_EQ(ms.synonyms, (std::vector<described_synonym>{
                               {"log.retention.ms", "5", source::static_broker_config},
                               {"log.retention.hours", "168", source::default_config},
                           }));

    EXPECT_EQ(describe_one("num.partitions", broker).value, "3");
    described_config dirs = describe_one("log.dir", {});
    EXPECT_EQ(dirs.value, "./sluice-data");
    EXPECT_EQ(dirs.source, source::default_config);
}

TEST(broker_config_defs, describe_everything) {
    std::vector<described_config> all = describe_broker_configs({}, {.include_documentation = true});
    EXPECT_EQ(all.size(), all_broker_configs().size());
    for (const described_config& entry : all) {
        EXPECT_TRUE(entry.read_only) << entry.name;
        EXPECT_TRUE(entry.documentation.has_value()) << entry.name;
        EXPECT_TRUE(entry.synonyms.empty()) << entry.name;
    }
}

} // namespace
} // namespace sluice::cluster
