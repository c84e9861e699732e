// Golden tests with confluent-kafka (librdkafka through python): every codec with keys,
// nulls and headers; the idempotent producer; a group consumer that commits.
#include <gtest/gtest.h>

#include "golden/golden_support.h"
#include "protocol/generated/all_messages.h"

namespace sluice::golden {
namespace {

namespace msg = protocol::msg;
using protocol::compression_type;

using config = std::vector<std::pair<std::string, std::string>>;

std::string produce_spec(const std::string& bootstrap, const std::string& topic, const config& properties,
                         const std::vector<message>& messages, int flush_every = 0) {
    std::string props;
    for (const auto& [k, v] : properties) props += (props.empty() ? "" : ",") + json_quote(k) + ":" + json_quote(v);
    return "{\"bootstrap\":" + json_quote(bootstrap) + ",\"topic\":" + json_quote(topic) + ",\"config\":{" + props +
           "},\"flush_every\":" + std::to_string(flush_every) + ",\"messages\":" + json_messages(messages) + "}";
}

// Keys, values and headers a client must keep apart: null against empty, duplicate header
// keys, null header values, UTF-8. Each record compresses well on its own (a padded value or
// header), so that every batch is compressed however the client splits them.
std::vector<message> varied_messages() {
    return {
        {"k0", padded_value(0), {{"h1", "v1"}, {"h1", "duplicate key"}, {"null-value", std::nullopt}}},
        {std::nullopt, padded_value(1), {}},
        {"k2", std::nullopt, {{"tombstone", "yes"}, {"padding", padded_value(2)}}},
        {"", "", {{"empty", ""}, {"padding", padded_value(3)}}},
        {"ключ-4", "grüße ✓ " + padded_value(4), {{"ünï", "✓"}}},
        {"k5", padded_value(5), {}},
    };
}

class confluent_produce : public golden_test, public ::testing::WithParamInterface<codec_case> {};

TEST_P(confluent_produce, records_and_headers_round_trip_exactly) {
    if (auto missing = python_module_missing("confluent_kafka"); !missing.empty()) GTEST_SKIP() << missing;
    const codec_case codec = GetParam();
    const std::string topic = std::string("golden-confluent-") + codec.name;
    const std::vector<message> sent = varied_messages();
    process_result r = run_script("confluent_produce.py",
                                  produce_spec(bootstrap(), topic, {{"compression.type", codec.name}}, sent));
    ASSERT_TRUE(r.ok()) << r.describe();

    const auto all = captured();
    expect_api_versions_first(all, 3, "confluent-kafka-python");
    const auto batches = produced_to(all, topic);
    ASSERT_FALSE(batches.empty()); // how many depends on timing; each must hold the codec
    for (const produced_batch& b : batches) {
        EXPECT_EQ(b.partition, 0);
        expect_well_formed(b.batch, codec.type);
    }
    EXPECT_EQ(messages_of(batches), sent);
    expect_all_reencode(all);
}

INSTANTIATE_TEST_SUITE_P(golden, confluent_produce, ::testing::ValuesIn(codecs), codec_name);

TEST_F(golden_test, confluent_idempotent_producer_numbers_its_batches) {
    if (auto missing = python_module_missing("confluent_kafka"); !missing.empty()) GTEST_SKIP() << missing;
    const std::string topic = "golden-idempotent";
    std::vector<message> sent;
    for (int i = 0; i < 9; ++i) sent.push_back({"key-" + std::to_string(i), padded_value(i), {}});
    // Three flushes of three: at least three batches, whose sequences must continue.
    process_result r = run_script("confluent_produce.py",
                                  produce_spec(bootstrap(), topic, {{"enable.idempotence", "true"}}, sent, 3));
    ASSERT_TRUE(r.ok()) << r.describe();

    const auto all = captured();
    const auto init = requests_of(all, msg::init_producer_id_request::api_key);
    ASSERT_EQ(init.size(), 1u);
    auto request = decode_as<msg::init_producer_id_request>(init[0]);
    EXPECT_EQ(request.transactional_id, std::nullopt); // idempotent, not transactional
    EXPECT_EQ(request.transaction_timeout_ms, -1);     // librdkafka sends none without a transaction
    if (init[0].api_version >= 3) {
        EXPECT_EQ(request.producer_id, model::no_producer_id);
        EXPECT_EQ(request.producer_epoch, model::no_producer_epoch);
    }
    const auto batches = produced_to(all, topic);
    ASSERT_GE(batches.size(), 3u); // at least one per flush
    int32_t next_sequence = 0;
    for (const produced_batch& b : batches) {
        EXPECT_EQ(b.acks, -1); // idempotence requires acks=all
        expect_well_formed(b.batch, compression_type::none);
        EXPECT_EQ(b.batch.producer_id, fake_broker::producer_id);
        EXPECT_EQ(b.batch.producer_epoch, fake_broker::producer_epoch);
        EXPECT_EQ(b.batch.base_sequence, next_sequence);
        next_sequence += b.batch.records_count;
    }
    EXPECT_EQ(messages_of(batches), sent);
    expect_all_reencode(all);
}

std::string consume_spec(const std::string& bootstrap, const std::string& topic, const std::string& group, int count) {
    return "{\"bootstrap\":" + json_quote(bootstrap) + ",\"topic\":" + json_quote(topic) + ",\"group\":" +
           json_quote(group) + ",\"count\":" + std::to_string(count) + "}";
}

// A consumed message as confluent_consume.py prints it.
std::string consumed_line(int64_t offset, const message& m) {
    std::string headers;
    for (const decoded_header& h : m.headers)
        headers += (headers.empty() ? "[" : ",[") + json_quote(h.key) + "," + json_quote(h.value) + "]";
    return "{\"partition\":0,\"offset\":" + std::to_string(offset) + ",\"key\":" + json_quote(m.key) +
           ",\"value\":" + json_quote(m.value) + ",\"headers\":[" + headers + "]}\n";
}

// The classic group protocol as librdkafka speaks it to a coordinator that makes it the
// leader of a group of one: find, join, assign itself everything, sync, fetch from the reset
// position, commit what it consumed, leave.
void expect_group_protocol(const std::vector<captured_request>& all, const std::string& topic,
                           const std::string& group, int64_t consumed) {
    const auto find = requests_of(all, msg::find_coordinator_request::api_key);
    ASSERT_FALSE(find.empty());
    for (const captured_request& r : find) {
        auto request = decode_as<msg::find_coordinator_request>(r);
        EXPECT_EQ(request.key, group);
        EXPECT_EQ(request.key_type, 0); // a group, not a transaction
    }

    const auto join = requests_of(all, msg::join_group_request::api_key);
    ASSERT_EQ(join.size(), 1u);
    auto join_request = decode_as<msg::join_group_request>(join[0]);
    EXPECT_EQ(join_request.group_id, group);
    EXPECT_EQ(join_request.member_id, ""); // a new member
    EXPECT_EQ(join_request.session_timeout_ms, 45000);    // librdkafka 2.x session.timeout.ms
    EXPECT_EQ(join_request.rebalance_timeout_ms, 300000); // max.poll.interval.ms
    EXPECT_EQ(join_request.protocol_type, "consumer");
    ASSERT_EQ(join_request.protocols.size(), 2u); // partition.assignment.strategy=range,roundrobin
    EXPECT_EQ(join_request.protocols[0].name, "range");
    EXPECT_EQ(join_request.protocols[1].name, "roundrobin");
    for (const auto& protocol : join_request.protocols) {
        auto subscription = decode_versioned<msg::consumer_protocol_subscription>(protocol.metadata);
        EXPECT_EQ(subscription.topics, std::vector<std::string>{topic});
    }
    // The fake broker names a new member "<client id>-<n>".
    const std::string member = join[0].header.client_id.value_or("member") + "-1";

    const auto sync = requests_of(all, msg::sync_group_request::api_key);
    ASSERT_EQ(sync.size(), 1u);
    auto sync_request = decode_as<msg::sync_group_request>(sync[0]);
    EXPECT_EQ(sync_request.group_id, group);
    EXPECT_EQ(sync_request.member_id, member);
    EXPECT_EQ(sync_request.generation_id, 1);
    ASSERT_EQ(sync_request.assignments.size(), 1u); // the leader assigns, to itself
    EXPECT_EQ(sync_request.assignments[0].member_id, member);
    auto assignment = decode_versioned<msg::consumer_protocol_assignment>(sync_request.assignments[0].assignment);
    ASSERT_EQ(assignment.assigned_partitions.size(), 1u);
    EXPECT_EQ(assignment.assigned_partitions[0].topic, topic);
    EXPECT_EQ(assignment.assigned_partitions[0].partitions, std::vector<model::partition_id>{model::partition_id(0)});

    // No committed offset (OffsetFetch answers -1): auto.offset.reset=earliest asks ListOffsets.
    const auto offset_fetch = requests_of(all, msg::offset_fetch_request::api_key);
    ASSERT_FALSE(offset_fetch.empty());
    auto offset_fetch_request = decode_as<msg::offset_fetch_request>(offset_fetch[0]);
    EXPECT_EQ(offset_fetch_request.group_id, group);
    const auto list_offsets = requests_of(all, msg::list_offsets_request::api_key);
    ASSERT_FALSE(list_offsets.empty());
    auto list_offsets_request = decode_as<msg::list_offsets_request>(list_offsets[0]);
    ASSERT_EQ(list_offsets_request.topics.size(), 1u);
    EXPECT_EQ(list_offsets_request.topics[0].name, topic);
    ASSERT_EQ(list_offsets_request.topics[0].partitions.size(), 1u);
    EXPECT_EQ(list_offsets_request.topics[0].partitions[0].timestamp, -2); // earliest

    const auto fetch = requests_of(all, msg::fetch_request::api_key);
    ASSERT_FALSE(fetch.empty());
    auto fetch_request = decode_as<msg::fetch_request>(fetch[0]);
    ASSERT_EQ(fetch_request.topics.size(), 1u);
    EXPECT_EQ(fetch_request.topics[0].topic, topic);
    ASSERT_EQ(fetch_request.topics[0].partitions.size(), 1u);
    EXPECT_EQ(fetch_request.topics[0].partitions[0].fetch_offset, model::offset(0));

    const auto commit = requests_of(all, msg::offset_commit_request::api_key);
    ASSERT_EQ(commit.size(), 1u);
    auto commit_request = decode_as<msg::offset_commit_request>(commit[0]);
    EXPECT_EQ(commit_request.group_id, group);
    EXPECT_EQ(commit_request.member_id, member);
    EXPECT_EQ(commit_request.generation_id_or_member_epoch, 1);
    ASSERT_EQ(commit_request.topics.size(), 1u);
    EXPECT_EQ(commit_request.topics[0].name, topic);
    ASSERT_EQ(commit_request.topics[0].partitions.size(), 1u);
    EXPECT_EQ(commit_request.topics[0].partitions[0].partition_index, model::partition_id(0));
    EXPECT_EQ(commit_request.topics[0].partitions[0].committed_offset, model::offset(consumed)); // next to read

    const auto leave = requests_of(all, msg::leave_group_request::api_key);
    ASSERT_EQ(leave.size(), 1u);
    auto leave_request = decode_as<msg::leave_group_request>(leave[0]);
    EXPECT_EQ(leave_request.group_id, group);
    if (leave[0].api_version <= 2) {
        EXPECT_EQ(leave_request.member_id, member);
    } else {
        ASSERT_EQ(leave_request.members.size(), 1u);
        EXPECT_EQ(leave_request.members[0].member_id, member);
    }
}

TEST_F(golden_test, confluent_group_consumer_joins_fetches_and_commits) {
    if (auto missing = python_module_missing("confluent_kafka"); !missing.empty()) GTEST_SKIP() << missing;
    const std::string topic = "golden-group-topic";
    const std::string group = "golden-group";
    const std::vector<message> sent = varied_messages();
    // Produced through the fake broker (gzip), so the consumer fetches the client's own batches.
    process_result produced = run_script("confluent_produce.py",
                                         produce_spec(bootstrap(), topic, {{"compression.type", "gzip"}}, sent));
    ASSERT_TRUE(produced.ok()) << produced.describe();
    const size_t produce_requests = captured().size();

    process_result consumed = run_script("confluent_consume.py",
                                         consume_spec(bootstrap(), topic, group, static_cast<int>(sent.size())));
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    std::string expected;
    for (size_t i = 0; i < sent.size(); ++i) expected += consumed_line(static_cast<int64_t>(i), sent[i]);
    EXPECT_EQ(consumed.out, expected);

    auto all = captured();
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(produce_requests));
    expect_api_versions_first(all, 3, "confluent-kafka-python");
    expect_group_protocol(all, topic, group, static_cast<int64_t>(sent.size()));
    expect_all_reencode(all);
}

} // namespace
} // namespace sluice::golden
