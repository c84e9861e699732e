// Metadata (key 3) against a metadata image built by the controller: topics by name and id,
// every topic, auto-creation, authorized operations, per version.
#include "admin_fixture.h"

namespace sluice::server::testing {
namespace {

using metadata_topic = msg::metadata_request::metadata_request_topic;

msg::metadata_request by_names(std::vector<std::string> names) {
    msg::metadata_request req;
    for (auto& n : names) req.topics->emplace_back().name = std::move(n);
    return req;
}

class metadata_handler : public admin_fixture {};

TEST_F(metadata_handler, all_topics_at_v0_and_v12) {
    const uuid orders = create("orders", 2);
    create("__consumer_offsets", 1);
    msg::metadata_request v0; // v0: an empty list is every topic
    auto r0 = call<msg::metadata_response>(v0, 0);
    ASSERT_EQ(r0.topics.size(), 2u);
    EXPECT_EQ(r0.topics[0].name, "__consumer_offsets"); // sorted by name
    EXPECT_EQ(r0.topics[1].name, "orders");
    ASSERT_EQ(r0.topics[1].partitions.size(), 2u);
    const auto& p1 = r0.topics[1].partitions[1];
    EXPECT_EQ(p1.error_code, error_code::none);
    EXPECT_EQ(p1.partition_index, model::partition_id{1});
    EXPECT_EQ(p1.leader_id, model::node_id{1});
    EXPECT_EQ(p1.replica_nodes, std::vector<model::node_id>{model::node_id{1}});
    EXPECT_EQ(p1.isr_nodes, std::vector<model::node_id>{model::node_id{1}});
    EXPECT_EQ(p1.leader_epoch, model::leader_epoch{-1}); // not on the wire before v7
    EXPECT_FALSE(r0.topics[0].is_internal);              // not on the wire before v1

    msg::metadata_request all;
    all.topics.reset();
    auto r12 = call<msg::metadata_response>(all, 12);
    ASSERT_EQ(r12.topics.size(), 2u);
    EXPECT_TRUE(r12.topics[0].is_internal);
    EXPECT_FALSE(r12.topics[1].is_internal);
    EXPECT_EQ(r12.topics[1].topic_id, orders);
    EXPECT_EQ(r12.topics[1].partitions[1].leader_epoch, model::leader_epoch{0});
    EXPECT_TRUE(r12.topics[1].partitions[1].offline_replicas.empty());
    EXPECT_EQ(r12.topics[1].topic_authorized_operations, INT32_MIN); // not asked for
    EXPECT_EQ(r12.cluster_id, "MkU3OEVBNTcwNTJENDM2Qk");
    EXPECT_EQ(r12.controller_id, model::node_id{1});

    // v1+: an empty list is no topic at all.
    auto none = call<msg::metadata_response>(msg::metadata_request{}, 12);
    EXPECT_TRUE(none.topics.empty());
    // Nothing was auto-created by asking for every topic.
    EXPECT_EQ(image()->topics().size(), 2u);
}

TEST_F(metadata_handler, requested_names_known_first_each_once) {
    create("b", 1);
    auto r = call<msg::metadata_response>(by_names({"nope", "b", "b", "bad name!"}), 9);
    ASSERT_EQ(r.topics.size(), 3u);
    EXPECT_EQ(r.topics[0].name, "b");
    EXPECT_EQ(r.topics[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[1].name, "nope");
    EXPECT_EQ(r.topics[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_TRUE(r.topics[1].partitions.empty());
    EXPECT_EQ(r.topics[2].name, "bad name!");
    EXPECT_EQ(r.topics[2].error_code, error_code::invalid_topic_exception);
    // Auto-creation happened (v9 allows it by default): "nope" now exists with num.partitions.
    const cluster::topic_image* created = image()->find("nope");
    ASSERT_NE(created, nullptr);
    EXPECT_EQ(created->partitions.size(), 3u);
    EXPECT_EQ(image()->find("bad name!"), nullptr);
}

TEST_F(metadata_handler, auto_creation_answers_unknown_then_the_topic) {
    for (int16_t v : {0, 3, 4, 12}) {
        const std::string name = "auto-" + std::to_string(v);
        auto first = call<msg::metadata_response>(by_names({name}), v);
        ASSERT_EQ(first.topics.size(), 1u) << v;
        // Kafka 4.0 answers while its creation is on the way; clients retry.
        EXPECT_EQ(first.topics[0].error_code, error_code::unknown_topic_or_partition) << v;
        ASSERT_NE(image()->find(name), nullptr) << v;
        auto again = call<msg::metadata_response>(by_names({name}), v);
        EXPECT_EQ(again.topics[0].error_code, error_code::none) << v;
        EXPECT_EQ(again.topics[0].partitions.size(), 3u) << v;
    }
}

TEST_F(metadata_handler, no_auto_creation_when_refused_or_internal) {
    auto req = by_names({"quiet"});
    req.allow_auto_topic_creation = false; // v4+
    EXPECT_EQ(call<msg::metadata_response>(req, 4).topics[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(image()->find("quiet"), nullptr);
    // Before v4 the field does not exist: creation is always allowed.
    call<msg::metadata_response>(req, 3);
    EXPECT_NE(image()->find("quiet"), nullptr);

    auto internal = call<msg::metadata_response>(by_names({"__consumer_offsets", "__transaction_state"}), 12);
    ASSERT_EQ(internal.topics.size(), 2u);
    EXPECT_EQ(internal.topics[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_TRUE(internal.topics[0].is_internal);
    EXPECT_TRUE(internal.topics[1].is_internal);
    EXPECT_EQ(image()->find("__consumer_offsets"), nullptr);

    ctx.settings.auto_create_topics = false; // auto.create.topics.enable=false
    call<msg::metadata_response>(by_names({"off"}), 12);
    EXPECT_EQ(image()->find("off"), nullptr);
}

TEST_F(metadata_handler, by_id_from_v12_unknown_ids_first) {
    const uuid a = create("a", 1);
    msg::metadata_request req;
    req.topics->emplace_back().topic_id = a;
    uuid missing = uuid::random();
    req.topics->emplace_back().topic_id = missing;
    req.topics->emplace_back().name = "ignored-when-ids-are-given";
    for (auto& t : *req.topics)
        if (!t.topic_id.is_zero()) t.name.reset();
    auto r = call<msg::metadata_response>(req, 12);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].error_code, error_code::unknown_topic_id);
    EXPECT_FALSE(r.topics[0].name.has_value());
    EXPECT_EQ(r.topics[0].topic_id, missing);
    EXPECT_EQ(r.topics[1].error_code, error_code::none);
    EXPECT_EQ(r.topics[1].name, "a");
    EXPECT_EQ(r.topics[1].topic_id, a);
    EXPECT_EQ(image()->find("ignored-when-ids-are-given"), nullptr);
}

TEST_F(metadata_handler, ids_and_null_names_before_v12_fail_the_request) {
    create("a", 1);
    msg::metadata_request req;
    auto& t = req.topics->emplace_back();
    t.name = "a";
    t.topic_id = uuid::random();
    for (int16_t v : {10, 11}) {
        auto r = call<msg::metadata_response>(req, v);
        EXPECT_TRUE(r.brokers.empty()) << v;
        ASSERT_EQ(r.topics.size(), 1u) << v;
        EXPECT_EQ(r.topics[0].error_code, error_code::invalid_request) << v;
        EXPECT_EQ(r.topics[0].name, "a") << v;
        EXPECT_TRUE(r.topics[0].partitions.empty()) << v;
    }
    msg::metadata_request null_name;
    null_name.topics->emplace_back().name.reset();
    auto r = call<msg::metadata_response>(null_name, 10);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].error_code, error_code::invalid_request);
    EXPECT_EQ(r.topics[0].name, "");
}

TEST_F(metadata_handler, authorized_operations_without_an_authorizer) {
    create("a", 1);
    auto req = by_names({"a", "missing"});
    req.allow_auto_topic_creation = false;
    req.include_topic_authorized_operations = true;
    req.include_cluster_authorized_operations = true;
    auto r8 = call<msg::metadata_response>(req, 8);
    // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS
    EXPECT_EQ(r8.topics[0].topic_authorized_operations, 3576);
    EXPECT_EQ(r8.topics[1].topic_authorized_operations, 3576);
    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
    EXPECT_EQ(r8.cluster_authorized_operations, 8096);
    auto r11 = call<msg::metadata_response>(req, 11); // cluster operations left Metadata in v11
    EXPECT_EQ(r11.topics[0].topic_authorized_operations, 3576);
    EXPECT_EQ(r11.cluster_authorized_operations, INT32_MIN);
    req.include_topic_authorized_operations = false;
    EXPECT_EQ(call<msg::metadata_response>(req, 12).topics[0].topic_authorized_operations, INT32_MIN);
}

} // namespace
} // namespace sluice::server::testing
