// The controller with the topic config table's rules (set_topic_config_hooks): Kafka's
// INVALID_CONFIG cases for CreateTopics, AlterConfigs and IncrementalAlterConfigs.
#include "cluster/topic_config_hooks.h"

#include <gtest/gtest.h>

#include <future>

#include "local_metadata_log.h"

namespace sluice::cluster {
namespace {

using protocol::error_code;

struct hooks_fixture : ::testing::Test {
    metadata_store store;
    testing::local_metadata_log log{store};
    controller ctl{store, log, [] {
                       controller_config c;
                       set_topic_config_hooks(c, {{"log.cleanup.policy", "compact"}, {"log.retention.hours", "2"}});
                       return c;
                   }()};

    create_topic_result create(std::string name, std::vector<std::pair<std::string, std::optional<std::string>>> configs) {
        new_topic t;
        t.name = std::move(name);
        t.configs = std::move(configs);
        std::promise<std::vector<create_topic_result>> p;
        ctl.create_topics({t}, false, [&](auto r) { p.set_value(std::move(r)); });
        return p.get_future().get().at(0);
    }
    admin_error alter(std::string topic, std::vector<config_change> changes, bool replace_all = false) {
        std::promise<std::vector<admin_error>> p;
        ctl.alter_configs({{std::move(topic), std::move(changes), replace_all}}, false, [&](auto r) { p.set_value(std::move(r)); });
        return p.get_future().get().at(0);
    }
};

TEST_F(hooks_fixture, create_topics_validates_each_key_and_the_rules_between_keys) {
    auto r = create("a", {{"retention.ms", "abc"}});
    EXPECT_EQ(r.error.code, error_code::invalid_config);
    EXPECT_EQ(r.error.message, "Invalid value abc for configuration retention.ms: Not a number of type LONG");
    r = create("a", {{"no.such.config", "1"}});
    EXPECT_EQ(r.error.code, error_code::invalid_config);
    EXPECT_EQ(r.error.message, "Unknown topic config name: no.such.config");
    r = create("a", {{"min.compaction.lag.ms", "10"}, {"max.compaction.lag.ms", "5"}});
    EXPECT_EQ(r.error.code, error_code::invalid_config);
    EXPECT_EQ(r.error.message, "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
    r = create("a", {{"remote.storage.enable", "true"}});
    EXPECT_EQ(r.error.code, error_code::invalid_config);
    EXPECT_EQ(store.current()->find("a"), nullptr);
    r = create("a", {{"retention.ms", "1000"}, {"cleanup.policy", "delete"}});
    EXPECT_TRUE(r.error.ok());
    EXPECT_EQ(store.current()->find("a")->configs,
              (storage::properties{{"cleanup.policy", "delete"}, {"retention.ms", "1000"}}));
}

TEST_F(hooks_fixture, append_starts_from_the_broker_value_and_needs_a_list) {
    ASSERT_TRUE(create("t", {}).error.ok());
    // No override: the base is log.cleanup.policy=compact from the broker.
    EXPECT_TRUE(alter("t", {{"cleanup.policy", "delete", config_op::append}}).ok());
    EXPECT_EQ(store.current()->find("t")->configs.at("cleanup.policy"), "compact,delete");
    auto e = alter("t", {{"retention.ms", "5", config_op::append}});
    EXPECT_EQ(e.code, error_code::invalid_config);
    EXPECT_EQ(e.message, "Can't APPEND to key retention.ms because its type is not LIST.");
    e = alter("t", {{"segment.ms", "5", config_op::subtract}});
    EXPECT_EQ(e.message, "Can't SUBTRACT to key segment.ms because its type is not LIST.");
    e = alter("t", {{"max.compaction.lag.ms", "1"}, {"min.compaction.lag.ms", "2"}});
    EXPECT_EQ(e.code, error_code::invalid_config);
    EXPECT_EQ(e.message, "conflict topic config setting min.compaction.lag.ms (2) > max.compaction.lag.ms (1)");
    e = alter("nope", {{"retention.ms", "1"}});
    EXPECT_EQ(e.code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(e.message, "The topic 'nope' does not exist.");
    EXPECT_EQ(store.current()->find("t")->configs, (storage::properties{{"cleanup.policy", "compact,delete"}}));
}

} // namespace
} // namespace sluice::cluster
