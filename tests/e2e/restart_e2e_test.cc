// Durability across restarts with a real producer: what the broker acknowledged with acks=all
// is still there, at the acknowledged offset and in order, after a clean stop (SIGTERM) and
// after a crash (SIGKILL) in the middle of a producer's run.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/background_process.h"
#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"
#include "protocol/generated/api_003_metadata.h"
#include "protocol/generated/api_019_create_topics.h"
#include "protocol/generated/api_020_delete_topics.h"
#include "protocol/generated/api_021_delete_records.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using net::testing::test_client;
using protocol::error_code;
namespace msg = protocol::msg;

struct position {
    int partition;
    int64_t offset;
    auto operator<=>(const position&) const = default;
};

// "<prefix> <partition> <offset> <seq>" lines (the producer's "ack", the consumer's "msg"):
// seq by position.
std::map<position, int64_t> parse_positions(const std::string& text, const std::string& prefix) {
    std::map<position, int64_t> out;
    for (const auto& line : lines_starting(text, prefix + " ")) {
        std::istringstream in(line.substr(prefix.size() + 1));
        position at{};
        int64_t seq = -1;
        if (in >> at.partition >> at.offset >> seq) out[at] = seq;
    }
    return out;
}

size_t count_lines(const std::string& text, const std::string& prefix) { return lines_starting(text, prefix).size(); }

using restart_e2e = broker_test;

TEST_F(restart_e2e, acknowledged_messages_survive_sigterm_and_sigkill_restarts) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "durable", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();

    // 1. 3,000 messages acknowledged, then a clean restart.
    auto first = run_script("confluent_produce.py",
                            {broker->bootstrap(), "durable", "--count", "3000", "--print-acks", "--max-in-flight", "1"});
    ASSERT_TRUE(first.ok()) << first.describe() << broker->log();
    restart(SIGTERM);
    EXPECT_NE(broker->run_log().find("(clean shutdown)"), std::string::npos) << broker->run_log();

    // 2. A producer that keeps sending 20,000 more at 2,000/s through a clean restart and then
    //    a crash. One request in flight: without idempotence, Kafka keeps a producer's order
    //    across retries only then.
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), "durable",
                                 "--first", "3000", "--count", "20000", "--rate", "2000", "--print-acks",
                                 "--max-in-flight", "1"});
    ASSERT_TRUE(producer.started());
    auto acks_reach = [&](size_t n) {
        return net::testing::eventually([&] { return count_lines(producer.out(), "ack ") >= n; }, 60s);
    };
    ASSERT_TRUE(acks_reach(2000)) << producer.out() << producer.err();
    restart(SIGTERM);
    const size_t acked_before_crash = count_lines(producer.out(), "ack ");
    ASSERT_TRUE(acks_reach(acked_before_crash + 3000)) << producer.err() << broker->log();
    restart(SIGKILL);
    EXPECT_NE(broker->run_log().find("recovered after an unclean shutdown"), std::string::npos) << broker->run_log();
    const auto exit_code = producer.wait(180s);
    ASSERT_TRUE(exit_code.has_value()) << "producer still running:\n" << producer.err();
    EXPECT_EQ(*exit_code, 0) << producer.out().substr(producer.out().rfind("ack ")) << producer.err();
    EXPECT_EQ(count_lines(producer.out(), "acked 20000 errors 0"), 1u) << producer.err();

    // 3. Every acknowledged message is where its acknowledgement said, with its content
    //    (checked by the consumer), and acknowledged messages are in order in each partition.
    //    Messages written but never acknowledged (the crash cut the answer) may be there too,
    //    followed by the producer's retry: at-least-once without idempotence.
    auto acks = parse_positions(first.out, "ack");
    const auto second = parse_positions(producer.out(), "ack");
    acks.insert(second.begin(), second.end());
    ASSERT_EQ(acks.size(), 23000u);
    auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "durable", "--list"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
    EXPECT_EQ(count_lines(consumed.out, "consumed "), 1u);
    EXPECT_NE(consumed.out.find(" bad 0 "), std::string::npos) << consumed.out.substr(consumed.out.find("consumed "));
    EXPECT_NE(consumed.out.find(" gaps 0"), std::string::npos) << consumed.out.substr(consumed.out.find("consumed "));
    const auto log = parse_positions(consumed.out, "msg");
    int missing = 0;
    for (const auto& [at, seq] : acks) {
        auto it = log.find(at);
        if (it == log.end() || it->second != seq) {
            if (++missing <= 10)
                ADD_FAILURE() << "seq " << seq << " acknowledged at " << at.partition << "/" << at.offset << ", found "
                              << (it == log.end() ? std::string("nothing") : "seq " + std::to_string(it->second));
        }
    }
    EXPECT_EQ(missing, 0);
    std::map<int, int64_t> last_seq;
    for (const auto& [at, seq] : acks) { // by partition, then offset
        auto [it, fresh] = last_seq.try_emplace(at.partition, seq);
        if (!fresh) {
            EXPECT_GT(seq, it->second) << "acknowledged out of order at " << at.partition << "/" << at.offset;
            it->second = seq;
        }
    }
    RecordProperty("messages_in_log", static_cast<int>(log.size()));
}

// Crash after crash while segments roll (64 KiB segments): recovery cuts only what was never
// acknowledged, whatever segment the crash left open.
TEST_F(restart_e2e, repeated_crashes_while_segments_roll_lose_no_acknowledged_message) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start({"--set", "log.segment.bytes=65536"});
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "rolling", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();
    constexpr int count = 24000;
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), "rolling",
                                 "--count", std::to_string(count), "--rate", "3000", "--batch-bytes", "16384",
                                 "--print-acks", "--max-in-flight", "1"});
    for (int crash = 1; crash <= 4; ++crash) {
        const size_t before = count_lines(producer.out(), "ack ");
        ASSERT_TRUE(net::testing::eventually([&] { return count_lines(producer.out(), "ack ") >= before + 2500; }, 60s))
            << "crash " << crash << ": " << producer.err() << broker->log();
        restart(SIGKILL);
    }
    ASSERT_EQ(producer.wait(180s), std::optional<int>(0)) << producer.err();
    const auto acks = parse_positions(producer.out(), "ack");
    ASSERT_EQ(acks.size(), static_cast<size_t>(count));
    EXPECT_GT(segment_files(broker->data_dir(), "rolling", 0).size(), 5u);

    auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "rolling", "--list"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
    const std::string summary = lines_starting(consumed.out, "consumed ").at(0);
    EXPECT_NE(summary.find(" bad 0 "), std::string::npos) << summary;
    EXPECT_NE(summary.find(" gaps 0"), std::string::npos) << summary;
    const auto log = parse_positions(consumed.out, "msg");
    int missing = 0;
    for (const auto& [at, seq] : acks) {
        auto it = log.find(at);
        if (it == log.end() || it->second != seq) {
            if (++missing <= 10)
                ADD_FAILURE() << "seq " << seq << " acknowledged at " << at.partition << "/" << at.offset << ", found "
                              << (it == log.end() ? std::string("nothing") : "seq " + std::to_string(it->second));
        }
    }
    EXPECT_EQ(missing, 0);
    RecordProperty("messages_in_log", static_cast<int>(log.size()));
}

// Partitions belong to shards by hash: a restart with another shard count hands each log to
// a new owner, which must find it whole.
TEST_F(restart_e2e, restarts_with_another_shard_count_serve_every_partition) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "reshard", "8"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();
    auto produced = run_script("confluent_produce.py",
                               {broker->bootstrap(), "reshard", "--count", "8000", "--partitions", "8"});
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    const auto acknowledged = lines_starting(produced.out, "partition ");
    ASSERT_EQ(acknowledged.size(), 8u);
    // The consumer's group (confluent_consume.py sets group.id) creates __consumer_offsets
    // (offsets.topic.num.partitions = 50) on the first consume: 8 logs, then 58.
    size_t logs = 8;
    for (const auto& [shards, signal] : std::vector<std::pair<std::string, int>>{{"3", SIGTERM}, {"1", SIGKILL}}) {
        broker->set_extra_arguments({"--smp", shards});
        restart(signal);
        EXPECT_NE(broker->run_log().find("logs: " + std::to_string(logs) + " partition(s) opened"), std::string::npos)
            << broker->run_log();
        logs = 58;
        auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "reshard", "--partitions", "8"});
        ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
        EXPECT_EQ(lines_starting(consumed.out, "partition "), acknowledged) << "--smp " << shards;
        EXPECT_EQ(lines_starting(consumed.out, "consumed "),
                  std::vector<std::string>{"consumed 8000 bad 0 order_violations 0 gaps 0"})
            << "--smp " << shards;
    }
}

// __cluster_metadata-0 is the metadata quorum's directory: no client may make a topic of it,
// not even by producing to it (Metadata auto-creation), nor delete it; the topics survive.
TEST_F(restart_e2e, only_the_metadata_quorums_own_topic_name_is_reserved) {
    start();
    const uint16_t port = broker->port();
    ASSERT_EQ(create_topic(port, "keep", 1), error_code::none) << broker->log();
    test_client client(port);
    client.send_frame(produce_frame("keep", {{0, make_batch(5, 10, 'k')}}, -1, 3));
    ASSERT_TRUE(client.read_frame(20s).has_value());

    msg::metadata_request metadata;
    metadata.topics.emplace().emplace_back().name = "__cluster_metadata";
    metadata.allow_auto_topic_creation = true;
    auto described = round_trip<msg::metadata_response>(client, metadata, 12);
    ASSERT_TRUE(described.has_value());
    EXPECT_EQ(described->topics.at(0).error_code, error_code::unknown_topic_or_partition);
    metadata.allow_auto_topic_creation = false; // and it was not created on the way
    described = round_trip<msg::metadata_response>(client, metadata, 12);
    ASSERT_TRUE(described.has_value());
    EXPECT_EQ(described->topics.at(0).error_code, error_code::unknown_topic_or_partition);

    msg::create_topics_request create;
    auto& t = create.topics.emplace_back();
    t.name = "__cluster_metadata";
    t.num_partitions = 1;
    t.replication_factor = 1;
    auto created = round_trip<msg::create_topics_response>(client, create, 7);
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->topics.at(0).error_code, error_code::invalid_request);

    msg::delete_topics_request remove;
    remove.topic_names = {"__cluster_metadata"};
    remove.timeout_ms = 10000;
    auto deleted = round_trip<msg::delete_topics_response>(client, remove, 5);
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(deleted->responses.at(0).error_code, error_code::unknown_topic_or_partition);

    // A topic whose name only starts like it is an ordinary topic: its log start offset
    // (DeleteRecords) is checkpointed and loaded like any other's.
    ASSERT_EQ(create_topic(port, "__cluster_metadata_backup", 1), error_code::none);
    for (int i = 0; i < 4; ++i) {
        client.send_frame(produce_frame("__cluster_metadata_backup", {{0, make_batch(5, 10, 'b')}}, -1, 10 + i));
        ASSERT_TRUE(client.read_frame(20s).has_value());
    }
    msg::delete_records_request trim;
    trim.timeout_ms = 10000;
    auto& trimmed = trim.topics.emplace_back();
    trimmed.name = "__cluster_metadata_backup";
    trimmed.partitions.emplace_back().offset = model::offset{13}; // inside the third batch
    auto low = round_trip<msg::delete_records_response>(client, trim, 2);
    ASSERT_TRUE(low.has_value());
    EXPECT_EQ(low->topics.at(0).partitions.at(0).low_watermark.value(), 13);

    restart(SIGTERM);
    EXPECT_NE(broker->run_log().find("metadata: 2 topic(s)"), std::string::npos) << broker->run_log();
    EXPECT_EQ(list_offset(port, "keep", 0, -1).offset, 5);
    EXPECT_EQ(list_offset(port, "__cluster_metadata_backup", 0, -2).offset, 13);
    EXPECT_EQ(list_offset(port, "__cluster_metadata_backup", 0, -1).offset, 20);
}

// A consumer that stays up while the broker crashes and restarts under it (and its producer):
// it resumes where it was, misses no offset and reads every acknowledged message where its
// acknowledgement said. With kafka-python the consumer also loses its fetch session (KIP-227).
class consumer_restart_e2e : public broker_test, public ::testing::WithParamInterface<std::string> {};

TEST_P(consumer_restart_e2e, a_consumer_keeps_its_position_across_broker_restarts) {
    const std::string consumer_script = GetParam() + "_consume.py";
    if (!python_has("confluent_kafka") || !python_has("kafka"))
        GTEST_SKIP() << "needs python3-confluent-kafka and python3-kafka";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "tail", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();

    constexpr int count = 12000;
    background_process consumer({python, script_path(consumer_script), broker->bootstrap(), "tail", "--until-seq",
                                 std::to_string(count), "--list", "--timeout-s", "170"});
    ASSERT_TRUE(net::testing::eventually([&] { return count_lines(consumer.out(), "watermarks ") == 3; }, 60s))
        << consumer.err();
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), "tail", "--count",
                                 std::to_string(count), "--rate", "1500", "--print-acks", "--max-in-flight", "1"});
    auto consumed_reach = [&](size_t n) {
        return net::testing::eventually([&] { return count_lines(consumer.out(), "msg ") >= n; }, 60s);
    };
    ASSERT_TRUE(consumed_reach(3000)) << consumer.err() << producer.err();
    restart(SIGKILL);
    ASSERT_TRUE(consumed_reach(7000)) << consumer.err() << producer.err() << broker->log();
    restart(SIGTERM);
    const auto produced = producer.wait(180s);
    ASSERT_EQ(produced, std::optional<int>(0)) << producer.err();
    const auto consumed = consumer.wait(180s);
    ASSERT_EQ(consumed, std::optional<int>(0)) << consumer.err();

    const std::string summary = lines_starting(consumer.out(), "consumed ").at(0);
    EXPECT_NE(summary.find(" bad 0 "), std::string::npos) << summary;
    EXPECT_NE(summary.find(" gaps 0"), std::string::npos) << summary; // no offset skipped
    const auto tail = parse_positions(consumer.out(), "msg");
    std::map<int, int64_t> last_offset;
    for (const auto& [at, seq] : tail) last_offset[at.partition] = at.offset;
    for (const auto& [partition, last] : last_offset)
        EXPECT_EQ(tail.count({partition, 0}), 1u) << "partition " << partition << " not read from offset 0";

    // The same as a consumer reading the log afterwards, from the beginning.
    auto fresh = run_script("confluent_consume.py", {broker->bootstrap(), "tail", "--list"});
    ASSERT_TRUE(fresh.ok()) << fresh.describe();
    auto log = parse_positions(fresh.out, "msg");
    std::erase_if(log, [&](const auto& entry) { return entry.first.offset > last_offset[entry.first.partition]; });
    EXPECT_TRUE(log == tail) << "the live consumer read " << tail.size() << " messages, the log has " << log.size();
    int missing = 0;
    for (const auto& [at, seq] : parse_positions(producer.out(), "ack")) {
        auto it = tail.find(at);
        if (it == tail.end() || it->second != seq) ++missing;
    }
    EXPECT_EQ(missing, 0) << "acknowledged messages the live consumer did not read where acknowledged";
    EXPECT_EQ(count_lines(producer.out(), "ack "), static_cast<size_t>(count));
}

INSTANTIATE_TEST_SUITE_P(clients, consumer_restart_e2e, ::testing::Values("confluent", "kafka_python"),
                         [](const auto& info) { return info.param; });

} // namespace
} // namespace sluice::e2e
