#include <gtest/gtest.h>

#include <future>

#include "cluster/controller.h"
#include "local_metadata_log.h"

namespace sluice::cluster {
namespace {

using protocol::error_code;

struct fixture : ::testing::Test {
    metadata_store store;
    testing::local_metadata_log log{store};
    controller_config config = [] {
        controller_config c;
        c.default_partitions = 2;
        c.max_partitions = 20;
        c.validate_config = [](std::string_view key, std::string_view value) -> std::optional<std::string> {
            if (key != "retention.ms" && key != "cleanup.policy") return "Unknown topic config name: " + std::string(key);
            if (key == "retention.ms" && value.find_first_not_of("-0123456789") != std::string_view::npos)
                return "Invalid value " + std::string(value) + " for configuration retention.ms";
            return std::nullopt;
        };
        c.is_list_config = [](std::string_view key) { return key == "cleanup.policy"; };
        c.default_value = [](std::string_view key) { return key == "cleanup.policy" ? "delete" : ""; };
        return c;
    }();
    controller ctl{store, log, config};

    std::vector<create_topic_result> create(std::vector<new_topic> topics, bool validate_only = false) {
        std::promise<std::vector<create_topic_result>> p;
        ctl.create_topics(std::move(topics), validate_only, [&](auto r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    }
    std::vector<delete_topic_result> remove(std::vector<topic_ref> topics) {
        std::promise<std::vector<delete_topic_result>> p;
        ctl.delete_topics(std::move(topics), [&](auto r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    }
    std::vector<admin_error> add_partitions(std::vector<new_partitions> r, bool validate_only = false) {
        std::promise<std::vector<admin_error>> p;
        ctl.create_partitions(std::move(r), validate_only, [&](auto x) { p.set_value(std::move(x)); });
        return p.get_future().get();
    }
    std::vector<admin_error> alter(std::vector<alter_topic_configs> r, bool validate_only = false) {
        std::promise<std::vector<admin_error>> p;
        ctl.alter_configs(std::move(r), validate_only, [&](auto x) { p.set_value(std::move(x)); });
        return p.get_future().get();
    }
};

new_topic topic(std::string name, int32_t partitions = -1, int16_t rf = -1) {
    new_topic t;
    t.name = std::move(name);
    t.num_partitions = partitions;
    t.replication_factor = rf;
    return t;
}

TEST_F(fixture, creates_topics_visible_once_answered) {
    auto t = topic("orders", 3);
    t.configs = {{"retention.ms", "60000"}};
    auto r = create({t, topic("events")});
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(r[0].error.ok());
    EXPECT_EQ(r[0].num_partitions, 3);
    EXPECT_EQ(r[0].replication_factor, 1);
    EXPECT_FALSE(r[0].topic_id.is_zero());
    EXPECT_EQ(r[1].num_partitions, 2); // num.partitions
    image_ptr image = store.current();
    const topic_image* orders = image->find("orders");
    ASSERT_NE(orders, nullptr);
    EXPECT_EQ(orders->id, r[0].topic_id);
    EXPECT_EQ(orders->partitions.size(), 3u);
    EXPECT_EQ(orders->partitions[2].leader, 1);
    EXPECT_EQ(orders->partitions[2].isr, std::vector<int32_t>{1});
    EXPECT_EQ(orders->configs.at("retention.ms"), "60000");
    EXPECT_EQ(image->partition_count(), 5u);
}

TEST_F(fixture, create_errors_are_kafkas) {
    ASSERT_TRUE(create({topic("orders", 1)})[0].error.ok());
    ASSERT_TRUE(create({topic("a.b", 1)})[0].error.ok());
    auto bad_config = topic("c1", 1);
    bad_config.configs = {{"retention.ms", "soon"}};
    auto unknown_config = topic("c2", 1);
    unknown_config.configs = {{"no.such", "1"}};
    auto manual = topic("m1");
    manual.assignments = {{1}, {1}};
    auto manual_bad = topic("m2");
    manual_bad.assignments = {{2}};
    auto both = topic("m3", 2);
    both.assignments = {{1}};
    auto r = create({topic("orders", 1), topic("", 1), topic("a/b", 1), topic(std::string(250, 'x'), 1), topic("zero", 0),
                     topic("rf3", 1, 3), topic("rf0", 1, 0), bad_config, unknown_config, manual, manual_bad, both,
                     topic("dup", 1), topic("dup", 1), topic("a_b", 1), topic("big", 100)});
    EXPECT_EQ(r[0].error.code, error_code::topic_already_exists);
    EXPECT_EQ(*r[0].error.message, "Topic 'orders' already exists.");
    EXPECT_EQ(r[1].error.code, error_code::invalid_topic_exception);
    EXPECT_EQ(r[2].error.code, error_code::invalid_topic_exception);
    EXPECT_EQ(r[3].error.code, error_code::invalid_topic_exception);
    EXPECT_EQ(r[4].error.code, error_code::invalid_partitions);
    EXPECT_EQ(r[5].error.code, error_code::invalid_replication_factor);
    EXPECT_EQ(r[6].error.code, error_code::invalid_replication_factor);
    EXPECT_EQ(r[7].error.code, error_code::invalid_config);
    EXPECT_EQ(*r[8].error.message, "Unknown topic config name: no.such");
    EXPECT_TRUE(r[9].error.ok());
    EXPECT_EQ(r[9].num_partitions, 2);
    EXPECT_EQ(r[10].error.code, error_code::invalid_replica_assignment);
    EXPECT_EQ(*r[10].error.message, "The manual partition assignment includes broker 2, but no such broker is registered.");
    EXPECT_EQ(r[11].error.code, error_code::invalid_request);
    EXPECT_EQ(*r[11].error.message, "A manual partition assignment was specified, but numPartitions was not set to -1.");
    EXPECT_TRUE(r[12].error.ok());
    EXPECT_EQ(r[13].error.code, error_code::topic_already_exists);
    EXPECT_EQ(r[14].error.code, error_code::invalid_topic_exception);
    EXPECT_EQ(*r[14].error.message, "Topic 'a_b' collides with existing topic: a.b");
    EXPECT_EQ(r[15].error.code, error_code::invalid_partitions);     // max.partitions=20
    EXPECT_EQ(store.current()->topics().size(), 4u); // orders, a.b, m1, dup
}

TEST_F(fixture, an_absurd_partition_count_is_refused_before_anything_is_allocated) {
    // 2^31 - 1 partitions: refused by max.partitions, not by running out of memory.
    auto r = create({topic("absurd", 2'147'483'647)});
    EXPECT_EQ(r[0].error.code, error_code::invalid_partitions);
    EXPECT_EQ(*r[0].error.message,
              "Creating 2147483647 partition(s) would exceed max.partitions=20 (the cluster has 0).");
    EXPECT_EQ(store.current()->find("absurd"), nullptr);
}

TEST_F(fixture, the_metadata_quorums_topic_name_is_refused) {
    // Its partition 0 would live in the quorum's directory; CreateTopics and Metadata
    // auto-creation both come here.
    auto r = create({topic("__cluster_metadata", 1)});
    EXPECT_EQ(r[0].error.code, error_code::invalid_request);
    EXPECT_EQ(*r[0].error.message, "Creation of internal topic __cluster_metadata is prohibited.");
    EXPECT_EQ(store.current()->find("__cluster_metadata"), nullptr);
}

TEST_F(fixture, validate_only_changes_nothing) {
    auto r = create({topic("orders", 4)}, true);
    EXPECT_TRUE(r[0].error.ok());
    EXPECT_EQ(r[0].num_partitions, 4);
    EXPECT_EQ(store.current()->find("orders"), nullptr);
    EXPECT_EQ(store.current()->offset(), 0u);
}

TEST_F(fixture, concurrent_creates_of_one_name_succeed_once) {
    std::vector<std::future<std::vector<create_topic_result>>> futures;
    for (int i = 0; i < 8; ++i)
        futures.push_back(std::async(std::launch::async, [&] { return create({topic("race", 1)}); }));
    int ok = 0, exists = 0;
    for (auto& f : futures) {
        auto r = f.get();
        ok += r[0].error.ok();
        exists += r[0].error.code == error_code::topic_already_exists;
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(exists, 7);
}

TEST_F(fixture, deletes_by_name_and_id) {
    auto created = create({topic("a", 1), topic("b", 1)});
    auto r = remove({{std::string("a"), {}}, {std::nullopt, created[1].topic_id}, {std::string("nope"), {}}, {std::nullopt, uuid::random()}});
    EXPECT_TRUE(r[0].error.ok());
    EXPECT_EQ(r[0].id, created[0].topic_id);
    EXPECT_TRUE(r[1].error.ok());
    EXPECT_EQ(*r[1].name, "b");
    EXPECT_EQ(r[2].error.code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(r[3].error.code, error_code::unknown_topic_id);
    EXPECT_TRUE(store.current()->topics().empty());
    // The name is free again, with a new id.
    auto again = create({topic("a", 1)});
    EXPECT_TRUE(again[0].error.ok());
    EXPECT_NE(again[0].topic_id, created[0].topic_id);
}

TEST_F(fixture, adds_partitions) {
    create({topic("t", 2)});
    auto r = add_partitions({{"t", 5, {}}, {"nope", 3, {}}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(r[1].code, error_code::unknown_topic_or_partition);
    r = add_partitions({{"t", 1, {}}});
    EXPECT_EQ(r[0].code, error_code::invalid_partitions);
    EXPECT_EQ(*r[0].message, "The topic t currently has 5 partition(s); 1 would not be an increase.");
    EXPECT_EQ(store.current()->find("t")->partitions.size(), 5u);
    auto same = add_partitions({{"t", 5, {}}});
    EXPECT_EQ(*same[0].message, "Topic already has 5 partition(s).");
    auto assigned = add_partitions({{"t", 7, {{1}}}, {"t", 6, {{2}}}});
    EXPECT_EQ(*assigned[0].message, "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
    EXPECT_EQ(*assigned[1].message, "The manual partition assignment includes broker 2, but no such broker is registered.");
    auto dry = add_partitions({{"t", 7, {}}}, true);
    EXPECT_TRUE(dry[0].ok());
    EXPECT_EQ(store.current()->find("t")->partitions.size(), 5u);
}

TEST_F(fixture, alters_configs_incrementally_and_wholesale) {
    auto t = topic("t", 1);
    t.configs = {{"retention.ms", "1000"}};
    create({t});
    auto r = alter({{"t", {{"cleanup.policy", "compact", config_op::append}}, false}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(store.current()->find("t")->configs.at("cleanup.policy"), "delete,compact");
    EXPECT_EQ(store.current()->find("t")->configs.at("retention.ms"), "1000");
    r = alter({{"t", {{"cleanup.policy", "delete", config_op::subtract}, {"retention.ms", std::nullopt, config_op::remove}}, false}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(store.current()->find("t")->configs, (storage::properties{{"cleanup.policy", "compact"}}));
    r = alter({{"t", {{"retention.ms", "5", config_op::append}}, false},
               {"t", {{"retention.ms", "x", config_op::set}}, false},
               {"nope", {}, false}});
    EXPECT_EQ(r[0].code, error_code::invalid_config);
    EXPECT_EQ(r[1].code, error_code::invalid_config);
    EXPECT_EQ(r[2].code, error_code::unknown_topic_or_partition);
    // AlterConfigs (not incremental) replaces every override.
    r = alter({{"t", {{"retention.ms", "7"}}, true}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(store.current()->find("t")->configs, (storage::properties{{"retention.ms", "7"}}));
}

TEST_F(fixture, a_failed_commit_reports_an_error) {
    log.post([&] { log.fail_next = true; });
    auto r = create({topic("t", 1)});
    EXPECT_EQ(r[0].error.code, error_code::not_controller);
    EXPECT_EQ(store.current()->find("t"), nullptr);
    EXPECT_TRUE(create({topic("t", 1)})[0].error.ok()); // not left reserved
}

TEST_F(fixture, producer_id_blocks_never_overlap) {
    std::vector<std::future<int64_t>> blocks;
    for (int i = 0; i < 6; ++i)
        blocks.push_back(std::async(std::launch::async, [&] {
            std::promise<int64_t> p;
            ctl.allocate_producer_ids(1000, [&](std::error_code ec, int64_t first) { p.set_value(ec ? -1 : first); });
            return p.get_future().get();
        }));
    std::set<int64_t> firsts;
    for (auto& b : blocks) firsts.insert(b.get());
    EXPECT_EQ(firsts, (std::set<int64_t>{0, 1000, 2000, 3000, 4000, 5000}));
    EXPECT_EQ(store.current()->next_producer_id(), 6000);
}

} // namespace
} // namespace sluice::cluster
