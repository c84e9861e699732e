// Idempotent producers (KIP-98) with a real client: librdkafka's enable.idempotence producer
// keeps sending while the broker is stopped (SIGTERM) and crashes (SIGKILL); its retries of
// batches whose answers were lost must be recognised as duplicates, so that the log holds every
// message exactly once, in order.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "e2e/background_process.h"
#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"
#include "protocol/generated/api_000_produce.h"
#include "protocol/generated/api_022_init_producer_id.h"
#include "protocol/generated/api_061_describe_producers.h"
#include "protocol/record_batch_builder.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using net::testing::test_client;
using protocol::error_code;
namespace msg = protocol::msg;

using idempotence_e2e = broker_test;

size_t acked(const std::string& out) {
    const auto progress = lines_starting(out, "progress ");
    return progress.empty() ? 0 : std::stoul(progress.back().substr(9));
}

TEST_F(idempotence_e2e, a_million_messages_through_two_restarts_arrive_exactly_once_in_order) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "exactly", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();
    constexpr int count = 1'000'000;
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), "exactly",
                                 "--count", std::to_string(count), "--idempotent", "--progress", "10000",
                                 "--batch-bytes", "65536", "--timeout-s", "300"});
    ASSERT_TRUE(producer.started());
    ASSERT_TRUE(net::testing::eventually([&] { return acked(producer.out()) >= 250'000; }, 240s))
        << producer.out() << producer.err() << broker->log();
    restart(SIGTERM);
    const size_t before_crash = acked(producer.out());
    ASSERT_TRUE(net::testing::eventually([&] { return acked(producer.out()) >= before_crash + 250'000; }, 240s))
        << producer.err() << broker->log();
    restart(SIGKILL);
    EXPECT_NE(broker->run_log().find("recovered after an unclean shutdown"), std::string::npos) << broker->run_log();
    const auto exit_code = producer.wait(300s);
    ASSERT_TRUE(exit_code.has_value()) << "producer still running:\n" << producer.err();
    EXPECT_EQ(*exit_code, 0) << producer.err();
    EXPECT_EQ(lines_starting(producer.out(), "acked "), std::vector<std::string>{"acked 1000000 errors 0 undelivered 0"})
        << producer.err();

    // Every message exactly once: a million, sequence numbers rising in each partition (a
    // duplicate would repeat one), contiguous offsets (no control batch without transactions).
    auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "exactly", "--timeout-s", "300"}, 360s);
    ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
    EXPECT_EQ(lines_starting(consumed.out, "consumed "),
              std::vector<std::string>{"consumed 1000000 bad 0 order_violations 0 gaps 0"});
    // The producer's id survived both restarts (snapshot at the clean stop, rebuilt from the log
    // after the crash): each partition holds exactly its third of the sequence numbers.
    for (int p = 0; p < 3; ++p) {
        const auto watermarks = lines_starting(consumed.out, "watermarks " + std::to_string(p) + " ");
        ASSERT_EQ(watermarks.size(), 1u);
        EXPECT_EQ(watermarks[0], "watermarks " + std::to_string(p) + " 0 " + std::to_string((count - p + 2) / 3));
    }
}

// A batch of `records` records from an idempotent producer.
byte_buffer producer_batch(model::producer_id id, int32_t sequence, int records) {
    protocol::record_batch_builder builder(
        {.producer_id = id, .producer_epoch = model::producer_epoch(0), .base_sequence = sequence});
    const std::string value = "v" + std::to_string(sequence);
    // Now: a producer whose last timestamp is older than producer.id.expiration.ms (a day) is
    // forgotten when its snapshot is loaded, as Kafka does.
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 0; i < records; ++i) builder.append({.timestamp_ms = now, .value = as_bytes(value)});
    return builder.build().bytes;
}

struct produced {
    error_code error = error_code::unknown_server_error;
    int64_t base_offset = -2;
    bool operator==(const produced&) const = default;
};
void PrintTo(const produced& p, std::ostream* os) { *os << "{" << protocol::name(p.error) << ", " << p.base_offset << "}"; }

produced produce(uint16_t port, const byte_buffer& batch) {
    test_client client(port);
    msg::produce_request req;
    req.acks = -1;
    req.timeout_ms = 30000;
    auto& t = req.topic_data.emplace_back();
    t.name = "dedup";
    auto& p = t.partition_data.emplace_back();
    p.index = model::partition_id{0};
    p.records = protocol::records_view{byte_view(batch)};
    auto response = round_trip<msg::produce_response>(client, req, 9);
    if (!response) return {};
    const auto& out = response->responses.at(0).partition_responses.at(0);
    return {out.error_code, out.base_offset.value()};
}

// The same check on the wire, where every retry is certain: a batch sent twice is answered
// with its first offsets and stored once, before and after a crash and a clean restart.
TEST_F(idempotence_e2e, a_retried_batch_is_answered_with_its_original_offset_across_restarts) {
    start();
    ASSERT_EQ(create_topic(broker->port(), "dedup", 1), error_code::none) << broker->log();
    test_client client(broker->port());
    msg::init_producer_id_request init;
    init.transactional_id = std::nullopt;
    init.transaction_timeout_ms = -1;
    auto id = round_trip<msg::init_producer_id_response>(client, init, 4);
    ASSERT_TRUE(id.has_value());
    ASSERT_EQ(id->error_code, error_code::none);
    ASSERT_GE(id->producer_id.value(), 0);
    EXPECT_EQ(id->producer_epoch.value(), 0);
    // A second producer gets another id.
    auto other = round_trip<msg::init_producer_id_response>(client, init, 4);
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(other->producer_id, id->producer_id);
    const model::producer_id pid = id->producer_id;

    const uint16_t port = broker->port();
    EXPECT_EQ(produce(port, producer_batch(pid, 0, 3)), (produced{error_code::none, 0}));
    EXPECT_EQ(produce(port, producer_batch(pid, 3, 2)), (produced{error_code::none, 3}));
    EXPECT_EQ(produce(port, producer_batch(pid, 0, 3)), (produced{error_code::none, 0})); // retry
    EXPECT_EQ(produce(port, producer_batch(pid, 9, 1)), (produced{error_code::out_of_order_sequence_number, -1}));
    EXPECT_EQ(list_offset(port, "dedup", 0, -1).offset, 5);

    restart(SIGKILL); // no snapshot: the state is rebuilt from the log
    EXPECT_EQ(produce(broker->port(), producer_batch(pid, 3, 2)), (produced{error_code::none, 3}));
    EXPECT_EQ(produce(broker->port(), producer_batch(pid, 5, 1)), (produced{error_code::none, 5}));
    restart(SIGTERM); // from the snapshot written at the clean stop
    EXPECT_EQ(produce(broker->port(), producer_batch(pid, 5, 1)), (produced{error_code::none, 5}));
    EXPECT_EQ(produce(broker->port(), producer_batch(pid, 7, 1)), (produced{error_code::out_of_order_sequence_number, -1}));
    EXPECT_EQ(list_offset(broker->port(), "dedup", 0, -1).offset, 6);

    // DescribeProducers (KIP-664) shows the producer as the partition knows it.
    test_client admin(broker->port());
    msg::describe_producers_request describe;
    auto& topic = describe.topics.emplace_back();
    topic.name = "dedup";
    topic.partition_indexes = {model::partition_id{0}, model::partition_id{7}};
    auto described = round_trip<msg::describe_producers_response>(admin, describe, 0);
    ASSERT_TRUE(described.has_value());
    const auto& partitions = described->topics.at(0).partitions;
    ASSERT_EQ(partitions.size(), 2u);
    EXPECT_EQ(partitions[0].error_code, error_code::none);
    ASSERT_EQ(partitions[0].active_producers.size(), 1u);
    const auto& state = partitions[0].active_producers[0];
    EXPECT_EQ(state.producer_id, pid);
    EXPECT_EQ(state.producer_epoch, 0);
    EXPECT_EQ(state.last_sequence, 5);
    EXPECT_EQ(state.current_txn_start_offset.value(), -1);
    EXPECT_EQ(partitions[1].error_code, error_code::unknown_topic_or_partition);

    // Producer ids come in blocks the metadata quorum committed: after two restarts a new
    // producer never gets an id handed out before.
    auto later = round_trip<msg::init_producer_id_response>(admin, init, 4);
    ASSERT_TRUE(later.has_value());
    ASSERT_EQ(later->error_code, error_code::none);
    EXPECT_GT(later->producer_id.value(), std::max(pid.value(), other->producer_id.value()));
}

} // namespace
} // namespace sluice::e2e
