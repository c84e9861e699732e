// CreateTopics (19), DeleteTopics (20), CreatePartitions (37) and DescribeTopicPartitions (75)
// through the dispatcher, against the controller and the metadata image it builds.
#include <algorithm>

#include "admin_fixture.h"
#include "cluster/topic_config.h"

namespace sluice::server::testing {
namespace {

using creatable_topic = msg::create_topics_request::creatable_topic;

creatable_topic new_topic(std::string name, int32_t partitions = -1, int16_t rf = -1,
                          std::vector<std::pair<std::string, std::optional<std::string>>> configs = {}) {
    creatable_topic t;
    t.name = std::move(name);
    t.num_partitions = partitions;
    t.replication_factor = rf;
    for (auto& [k, v] : configs) {
        auto& c = t.configs.emplace_back();
        c.name = k;
        c.value = v;
    }
    return t;
}

msg::create_topics_request create_request(std::vector<creatable_topic> topics, bool validate_only = false) {
    msg::create_topics_request req;
    req.topics = std::move(topics);
    req.validate_only = validate_only;
    return req;
}

const msg::create_topics_response::creatable_topic_configs* find_config(
    const msg::create_topics_response::creatable_topic_result& r, std::string_view name) {
    for (const auto& c : *r.configs)
        if (c.name == name) return &c;
    return nullptr;
}

class topic_admin : public admin_fixture {};

TEST_F(topic_admin, create_topics_answers_ids_counts_and_configs) {
    auto r = call<msg::create_topics_response>(
        create_request({new_topic("orders", -1, -1, {{"retention.ms", "60000"}}), new_topic("events", 2, 1)}), 7);
    ASSERT_EQ(r.topics.size(), 2u);
    const auto& orders = r.topics[0];
    EXPECT_EQ(orders.name, "orders");
    EXPECT_EQ(orders.error_code, error_code::none);
    EXPECT_FALSE(orders.error_message.has_value());
    EXPECT_EQ(orders.num_partitions, 3); // num.partitions
    EXPECT_EQ(orders.replication_factor, 1);
    ASSERT_NE(image()->find("orders"), nullptr);
    EXPECT_EQ(orders.topic_id, image()->find("orders")->id);
    EXPECT_EQ(image()->find("orders")->partitions.size(), 3u);
    EXPECT_EQ(image()->find("orders")->configs, (storage::properties{{"retention.ms", "60000"}}));
    EXPECT_EQ(image()->find("events")->partitions.size(), 2u);

    // KIP-525: every topic config, sorted, with value and source.
    ASSERT_EQ(orders.configs->size(), cluster::all_topic_configs().size());
    EXPECT_TRUE(std::is_sorted(orders.configs->begin(), orders.configs->end(),
                               [](auto& a, auto& b) { return a.name < b.name; }));
    const auto* retention = find_config(orders, "retention.ms");
    ASSERT_NE(retention, nullptr);
    EXPECT_EQ(retention->value, "60000");
    EXPECT_EQ(retention->config_source, 1); // TOPIC_CONFIG
    EXPECT_FALSE(retention->read_only);
    EXPECT_FALSE(retention->is_sensitive);
    const auto* from_broker = find_config(r.topics[1], "retention.ms");
    EXPECT_EQ(from_broker->value, "7200000"); // log.retention.hours=2
    EXPECT_EQ(from_broker->config_source, 4);  // STATIC_BROKER_CONFIG
    const auto* by_default = find_config(r.topics[1], "cleanup.policy");
    EXPECT_EQ(by_default->value, "delete");
    EXPECT_EQ(by_default->config_source, 5); // DEFAULT_CONFIG
}

TEST_F(topic_admin, create_topics_fields_per_version) {
    auto v2 = call<msg::create_topics_response>(create_request({new_topic("v2", 1, 1)}), 2);
    ASSERT_EQ(v2.topics.size(), 1u);
    EXPECT_EQ(v2.topics[0].error_code, error_code::none);
    EXPECT_EQ(v2.topics[0].num_partitions, -1); // not on the wire before v5
    EXPECT_TRUE(v2.topics[0].configs->empty());
    auto v6 = call<msg::create_topics_response>(create_request({new_topic("v6", 1, 1)}), 6);
    EXPECT_EQ(v6.topics[0].num_partitions, 1);
    EXPECT_FALSE(v6.topics[0].configs->empty());
    EXPECT_TRUE(v6.topics[0].topic_id.is_zero()); // v7+
    auto v7 = call<msg::create_topics_response>(create_request({new_topic("v7", 1, 1)}), 7);
    EXPECT_EQ(v7.topics[0].topic_id, image()->find("v7")->id);
}

TEST_F(topic_admin, create_topics_validate_only_creates_nothing) {
    auto r = call<msg::create_topics_response>(create_request({new_topic("dry", 4)}, true), 7);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[0].num_partitions, 4);
    EXPECT_EQ(r.topics[0].replication_factor, 1);
    EXPECT_FALSE(r.topics[0].configs->empty());
    EXPECT_EQ(image()->find("dry"), nullptr);
    EXPECT_EQ(image()->offset(), 0u);
}

TEST_F(topic_admin, create_topics_errors_are_kafkas) {
    create("exists", 1);
    auto manual = new_topic("manual");
    for (int32_t p : {1, 0}) {
        auto& a = manual.assignments.emplace_back();
        a.partition_index = model::partition_id{p};
        a.broker_ids = {model::node_id{1}};
    }
    auto gap = new_topic("gap");
    for (int32_t p : {0, 2}) gap.assignments.emplace_back().partition_index = model::partition_id{p};
    auto twice = new_topic("twice");
    for (int32_t p : {0, 0}) twice.assignments.emplace_back().partition_index = model::partition_id{p};
    auto counted = new_topic("counted", 2);
    counted.assignments.emplace_back().broker_ids = {model::node_id{1}};
    auto elsewhere = new_topic("elsewhere");
    elsewhere.assignments.emplace_back().broker_ids = {model::node_id{2}};

    auto r = call<msg::create_topics_response>(
        create_request({new_topic("dup", 1), new_topic("exists", 1), new_topic("bad config", 1),
                        new_topic("c1", 1, -1, {{"retention.ms", "soon"}}), new_topic("c2", 1, -1, {{"no.such", "1"}}),
                        new_topic("c3", 1, -1, {{"retention.ms", std::nullopt}}), new_topic("rf3", 1, 3),
                        new_topic("zero", 0), manual, gap, twice, counted, elsewhere, new_topic("__cluster_metadata", 1),
                        new_topic("dup", 2)}),
        7);
    auto expect = [&](size_t i, const std::string& name, error_code code, const std::string& message) {
        ASSERT_LT(i, r.topics.size());
        EXPECT_EQ(r.topics[i].name, name) << i;
        EXPECT_EQ(r.topics[i].error_code, code) << name;
        EXPECT_EQ(r.topics[i].error_message, message) << name;
        if (code != error_code::none) {
            EXPECT_EQ(r.topics[i].num_partitions, -1) << name;
            EXPECT_TRUE(r.topics[i].configs->empty()) << name;
        }
    };
    ASSERT_EQ(r.topics.size(), 14u);
    // The controller's results in request order, then the refused ones, then duplicates.
    expect(0, "exists", error_code::topic_already_exists, "Topic 'exists' already exists.");
    expect(1, "bad config", error_code::invalid_topic_exception,
           "Topic name \"bad config\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    expect(2, "c1", error_code::invalid_config, "Invalid value soon for configuration retention.ms: Not a number of type LONG");
    expect(3, "c2", error_code::invalid_config, "Unknown topic config name: no.such");
    expect(4, "c3", error_code::invalid_config, "Null value not supported for topic configs: retention.ms");
    expect(5, "rf3", error_code::invalid_replication_factor,
           "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because "
           "only 1 broker(s) are registered.");
    expect(6, "zero", error_code::invalid_partitions, "Number of partitions was set to an invalid non-positive value.");
    EXPECT_EQ(r.topics[7].name, "manual");
    EXPECT_EQ(r.topics[7].error_code, error_code::none);
    EXPECT_EQ(r.topics[7].num_partitions, 2);
    expect(8, "counted", error_code::invalid_request,
           "A manual partition assignment was specified, but numPartitions was not set to -1.");
    expect(9, "elsewhere", error_code::invalid_replica_assignment,
           "The manual partition assignment includes broker 2, but no such broker is registered.");
    expect(10, "gap", error_code::invalid_replica_assignment, "partitions should be a consecutive 0-based integer sequence");
    expect(11, "twice", error_code::invalid_replica_assignment, "Found multiple manual partition assignments for partition 0");
    expect(12, "__cluster_metadata", error_code::invalid_request, "Creation of internal topic __cluster_metadata is prohibited.");
    expect(13, "dup", error_code::invalid_request, "Duplicate topic name.");
    EXPECT_EQ(image()->topics().size(), 2u); // exists, manual
    EXPECT_EQ(image()->find("dup"), nullptr);
}

TEST_F(topic_admin, admin_requests_without_a_controller_are_not_controller) {
    ctx.controller = nullptr;
    auto r = call<msg::create_topics_response>(create_request({new_topic("t", 1)}), 7);
    EXPECT_EQ(r.topics[0].error_code, error_code::not_controller);
    msg::delete_topics_request del;
    del.topic_names = {"t"};
    EXPECT_EQ(call<msg::delete_topics_response>(del, 5).responses[0].error_code, error_code::not_controller);
}

TEST_F(topic_admin, delete_topics_by_name) {
    create("a", 1);
    create("b", 1);
    msg::delete_topics_request req;
    req.topic_names = {"a", "missing"};
    auto v1 = call<msg::delete_topics_response>(req, 1);
    ASSERT_EQ(v1.responses.size(), 2u);
    EXPECT_EQ(v1.responses[0].name, "a");
    EXPECT_EQ(v1.responses[0].error_code, error_code::none);
    EXPECT_EQ(v1.responses[1].name, "missing");
    EXPECT_EQ(v1.responses[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(image()->find("a"), nullptr);

    req.topic_names = {"b", "missing", "missing"};
    auto v5 = call<msg::delete_topics_response>(req, 5);
    ASSERT_EQ(v5.responses.size(), 2u);
    EXPECT_EQ(v5.responses[0].name, "missing");
    EXPECT_EQ(v5.responses[0].error_code, error_code::invalid_request);
    EXPECT_EQ(v5.responses[0].error_message, "Duplicate topic name.");
    EXPECT_EQ(v5.responses[1].name, "b");
    EXPECT_EQ(v5.responses[1].error_code, error_code::none);
    EXPECT_FALSE(v5.responses[1].error_message.has_value());
    EXPECT_TRUE(image()->topics().empty());
}

TEST_F(topic_admin, delete_topics_by_id_and_name_v6) {
    const uuid a = create("a", 1);
    const uuid b = create("b", 1);
    const uuid c = create("c", 1);
    const uuid missing = uuid::random();
    msg::delete_topics_request req;
    auto add = [&](std::optional<std::string> name, uuid id) {
        auto& t = req.topics.emplace_back();
        t.name = std::move(name);
        t.topic_id = id;
    };
    add(std::nullopt, a);
    add("b", {});
    add("b", b);               // both
    add(std::nullopt, {});     // neither
    add(std::nullopt, c);      // twice
    add(std::nullopt, c);
    add(std::nullopt, missing);
    add("nope", {});
    auto r = call<msg::delete_topics_response>(req, 6);
    ASSERT_EQ(r.responses.size(), 7u);
    EXPECT_EQ(r.responses[0].name, "b");
    EXPECT_EQ(r.responses[0].topic_id, b);
    EXPECT_EQ(r.responses[0].error_message, "You may not specify both topic name and topic id.");
    EXPECT_FALSE(r.responses[1].name.has_value());
    EXPECT_EQ(r.responses[1].error_message, "Neither topic name nor id were specified.");
    EXPECT_EQ(r.responses[2].topic_id, c);
    EXPECT_EQ(r.responses[2].error_code, error_code::invalid_request);
    EXPECT_EQ(r.responses[2].error_message, "Duplicate topic id.");
    // The controller's answers: deletions carry name and id; unknown ids have no name.
    EXPECT_EQ(r.responses[3].name, "a");
    EXPECT_EQ(r.responses[3].topic_id, a);
    EXPECT_EQ(r.responses[3].error_code, error_code::none);
    EXPECT_EQ(r.responses[4].name, "b");
    EXPECT_EQ(r.responses[4].topic_id, b);
    EXPECT_FALSE(r.responses[5].name.has_value());
    EXPECT_EQ(r.responses[5].topic_id, missing);
    EXPECT_EQ(r.responses[5].error_code, error_code::unknown_topic_id);
    EXPECT_EQ(r.responses[5].error_message, "This server does not host this topic ID.");
    EXPECT_EQ(r.responses[6].name, "nope");
    EXPECT_TRUE(r.responses[6].topic_id.is_zero());
    EXPECT_EQ(r.responses[6].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(r.responses[6].error_message, "This server does not host this topic-partition.");
    EXPECT_EQ(image()->find("a"), nullptr);
    EXPECT_EQ(image()->find("b"), nullptr);
    EXPECT_NE(image()->find("c"), nullptr); // named twice: not deleted
}

TEST_F(topic_admin, delete_topics_name_that_maps_to_a_given_id) {
    const uuid a = create("a", 1);
    msg::delete_topics_request req;
    req.topics.emplace_back().name = "a";
    auto& by_id = req.topics.emplace_back();
    by_id.name.reset();
    by_id.topic_id = a;
    auto r = call<msg::delete_topics_response>(req, 6);
    ASSERT_EQ(r.responses.size(), 2u);
    EXPECT_EQ(r.responses[0].name, "a");
    EXPECT_EQ(r.responses[0].error_code, error_code::invalid_request);
    EXPECT_EQ(r.responses[0].error_message, "The provided topic name maps to an ID that was already supplied.");
    EXPECT_EQ(r.responses[1].topic_id, a);
    EXPECT_EQ(r.responses[1].error_code, error_code::none);
    EXPECT_EQ(image()->find("a"), nullptr);
}

TEST_F(topic_admin, delete_topics_when_deletion_is_disabled) {
    create("a", 1);
    cluster::controller_config config = controller->config();
    config.delete_topic_enable = false;
    cluster::controller no_delete(store, log, config);
    ctx.controller = &no_delete;
    msg::delete_topics_request req;
    req.topic_names = {"a"};
    auto v2 = call<msg::delete_topics_response>(req, 2);
    EXPECT_EQ(v2.responses[0].error_code, error_code::invalid_request);
    auto v5 = call<msg::delete_topics_response>(req, 5);
    EXPECT_EQ(v5.responses[0].error_code, error_code::topic_deletion_disabled);
    EXPECT_FALSE(v5.responses[0].error_message.has_value());
    EXPECT_NE(image()->find("a"), nullptr);
    ctx.controller = controller.get();
}

msg::create_partitions_request grow(std::string topic, int32_t count, bool validate_only = false) {
    msg::create_partitions_request req;
    auto& t = req.topics.emplace_back();
    t.name = std::move(topic);
    t.count = count;
    t.assignments.reset(); // null: the controller places them
    req.validate_only = validate_only;
    return req;
}

TEST_F(topic_admin, create_partitions_grows_topics) {
    create("t", 1);
    for (int16_t v : {0, 3}) {
        const int32_t count = v == 0 ? 3 : 5;
        auto r = call<msg::create_partitions_response>(grow("t", count), v);
        ASSERT_EQ(r.results.size(), 1u);
        EXPECT_EQ(r.results[0].name, "t");
        EXPECT_EQ(r.results[0].error_code, error_code::none);
        EXPECT_FALSE(r.results[0].error_message.has_value());
        EXPECT_EQ(image()->find("t")->partitions.size(), static_cast<size_t>(count));
        EXPECT_EQ(image()->find("t")->partitions.back().leader, 1);
    }
    auto dry = call<msg::create_partitions_response>(grow("t", 9, true), 3);
    EXPECT_EQ(dry.results[0].error_code, error_code::none);
    EXPECT_EQ(image()->find("t")->partitions.size(), 5u);
}

TEST_F(topic_admin, create_partitions_errors_are_kafkas) {
    create("t", 4);
    msg::create_partitions_request req;
    auto add = [&](std::string name, int32_t count, std::optional<std::vector<int32_t>> brokers_per_partition,
                   size_t assignments = 0) {
        auto& t = req.topics.emplace_back();
        t.name = std::move(name);
        t.count = count;
        if (!brokers_per_partition) {
            t.assignments.reset();
            return;
        }
        for (size_t i = 0; i < assignments; ++i) {
            auto& a = t.assignments->emplace_back();
            for (int32_t b : *brokers_per_partition) a.broker_ids.emplace_back(b);
        }
    };
    add("dup", 2, std::nullopt);
    add("missing", 2, std::nullopt);
    add("dup", 3, std::nullopt);
    add("t", 2, std::nullopt);
    req.topics.emplace_back(req.topics.back()); // "t" twice too
    auto r = call<msg::create_partitions_response>(req, 3);
    ASSERT_EQ(r.results.size(), 3u);
    EXPECT_EQ(r.results[0].name, "dup");
    EXPECT_EQ(r.results[0].error_code, error_code::invalid_request);
    EXPECT_EQ(r.results[0].error_message, "Duplicate topic name.");
    EXPECT_EQ(r.results[1].name, "t");
    EXPECT_EQ(r.results[1].error_message, "Duplicate topic name.");
    EXPECT_EQ(r.results[2].name, "missing");
    EXPECT_EQ(r.results[2].error_code, error_code::unknown_topic_or_partition);
    EXPECT_FALSE(r.results[2].error_message.has_value());

    auto single = [&](int32_t count, std::optional<std::vector<int32_t>> brokers, size_t n) {
        req.topics.clear();
        add("t", count, std::move(brokers), n);
        return call<msg::create_partitions_response>(req, 3).results.at(0);
    };
    auto e = single(2, std::nullopt, 0);
    EXPECT_EQ(e.error_code, error_code::invalid_partitions);
    EXPECT_EQ(e.error_message, "The topic t currently has 4 partition(s); 2 would not be an increase.");
    e = single(4, std::nullopt, 0);
    EXPECT_EQ(e.error_message, "Topic already has 4 partition(s).");
    e = single(6, std::vector<int32_t>{1}, 1);
    EXPECT_EQ(e.error_code, error_code::invalid_replica_assignment);
    EXPECT_EQ(e.error_message, "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
    e = single(6, std::vector<int32_t>{}, 0); // an empty list, not null
    EXPECT_EQ(e.error_message, "Attempted to add 2 additional partition(s), but only 0 assignment(s) were specified.");
    e = single(5, std::vector<int32_t>{3}, 1);
    EXPECT_EQ(e.error_message, "The manual partition assignment includes broker 3, but no such broker is registered.");
    e = single(5, std::vector<int32_t>{1, 1}, 1);
    EXPECT_EQ(e.error_message, "The manual partition assignment includes the broker 1 more than once.");
    EXPECT_EQ(image()->find("t")->partitions.size(), 4u);
    e = single(6, std::vector<int32_t>{1}, 2);
    EXPECT_EQ(e.error_code, error_code::none);
    EXPECT_EQ(image()->find("t")->partitions.size(), 6u);
}

msg::describe_topic_partitions_request describe(std::vector<std::string> names, int32_t limit = 2000) {
    msg::describe_topic_partitions_request req;
    for (auto& n : names) req.topics.emplace_back().name = std::move(n);
    req.response_partition_limit = limit;
    return req;
}

TEST_F(topic_admin, describe_topic_partitions_lists_every_topic_sorted) {
    const uuid b = create("b", 2);
    create("__consumer_offsets", 1);
    auto r = call<msg::describe_topic_partitions_response>(describe({}), 0);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].name, "__consumer_offsets");
    EXPECT_TRUE(r.topics[0].is_internal);
    const auto& t = r.topics[1];
    EXPECT_EQ(t.name, "b");
    EXPECT_EQ(t.topic_id, b);
    EXPECT_FALSE(t.is_internal);
    EXPECT_EQ(t.error_code, error_code::none);
    EXPECT_EQ(t.topic_authorized_operations, 3576);
    ASSERT_EQ(t.partitions.size(), 2u);
    EXPECT_EQ(t.partitions[1].partition_index, model::partition_id{1});
    EXPECT_EQ(t.partitions[1].leader_id, model::node_id{1});
    EXPECT_EQ(t.partitions[1].leader_epoch, model::leader_epoch{0});
    EXPECT_EQ(t.partitions[1].replica_nodes, std::vector<model::node_id>{model::node_id{1}});
    EXPECT_EQ(t.partitions[1].isr_nodes, std::vector<model::node_id>{model::node_id{1}});
    ASSERT_TRUE(t.partitions[1].eligible_leader_replicas.has_value()); // empty, not null
    EXPECT_TRUE(t.partitions[1].eligible_leader_replicas->empty());
    ASSERT_TRUE(t.partitions[1].last_known_elr.has_value());
    EXPECT_TRUE(t.partitions[1].offline_replicas.empty());
    EXPECT_FALSE(r.next_cursor.has_value());
}

TEST_F(topic_admin, describe_topic_partitions_pages_with_a_cursor) {
    create("a", 3);
    create("b", 2);
    create("c", 1);
    auto page = [&](int32_t limit, std::optional<std::pair<std::string, int32_t>> cursor) {
        auto req = describe({}, limit);
        if (cursor) {
            auto& c = req.cursor.emplace();
            c.topic_name = cursor->first;
            c.partition_index = model::partition_id{cursor->second};
        }
        auto r = call<msg::describe_topic_partitions_response>(req, 0);
        std::vector<std::string> got;
        for (auto& t : r.topics)
            for (auto& p : t.partitions) got.push_back(*t.name + "-" + std::to_string(p.partition_index.value()));
        if (r.next_cursor)
            got.push_back("next " + r.next_cursor->topic_name + "-" + std::to_string(r.next_cursor->partition_index.value()));
        return got;
    };
    using v = std::vector<std::string>;
    EXPECT_EQ(page(2, std::nullopt), (v{"a-0", "a-1", "next a-2"}));
    EXPECT_EQ(page(2, std::pair{"a", 2}), (v{"a-2", "b-0", "next b-1"}));
    EXPECT_EQ(page(2, std::pair{"b", 1}), (v{"b-1", "c-0"}));
    // A page that ends with a topic: the next one starts at the next topic's first partition.
    EXPECT_EQ(page(3, std::nullopt), (v{"a-0", "a-1", "a-2", "next b-0"}));
    EXPECT_EQ(page(0, std::nullopt), (v{"a-0", "next a-1"})); // at least one partition
}

TEST_F(topic_admin, describe_topic_partitions_named_topics_and_bad_cursors) {
    create("a", 1);
    auto r = call<msg::describe_topic_partitions_response>(describe({"zz", "a", "bad name", "a"}), 0);
    ASSERT_EQ(r.topics.size(), 3u);
    EXPECT_EQ(r.topics[0].name, "a");
    EXPECT_EQ(r.topics[1].name, "bad name");
    EXPECT_EQ(r.topics[1].error_code, error_code::invalid_topic_exception);
    EXPECT_EQ(r.topics[2].name, "zz");
    EXPECT_EQ(r.topics[2].error_code, error_code::unknown_topic_or_partition);
    EXPECT_TRUE(r.topics[2].topic_id.is_zero());
    EXPECT_EQ(r.topics[2].topic_authorized_operations, 3576);

    auto req = describe({"a", "zz"});
    req.cursor.emplace().topic_name = "b"; // not among the topics named
    auto bad = call<msg::describe_topic_partitions_response>(req, 0);
    ASSERT_EQ(bad.topics.size(), 2u);
    EXPECT_EQ(bad.topics[0].error_code, error_code::invalid_request);
    EXPECT_EQ(bad.topics[1].error_code, error_code::invalid_request);
    EXPECT_TRUE(bad.topics[0].partitions.empty());
    req.cursor->topic_name = "a";
    req.cursor->partition_index = model::partition_id{-1};
    EXPECT_EQ(call<msg::describe_topic_partitions_response>(req, 0).topics[0].error_code, error_code::invalid_request);
}

} // namespace
} // namespace sluice::server::testing
