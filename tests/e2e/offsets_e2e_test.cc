// Offsets seen by real clients: ListOffsets by timestamp (confluent-kafka's offsets_for_times)
// and DeleteRecords moving the log start offset (sent raw: neither Debian's confluent-kafka
// 1.7 nor kafka-python 2.0.2 has delete_records), both checked again after restarts.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "protocol/generated/api_021_delete_records.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using net::testing::test_client;
namespace msg = protocol::msg;
using protocol::error_code;

constexpr int64_t base_ms = 1'700'000'000'000;

using listed = listed_offset;

std::string joined(const std::vector<int64_t>& values) {
    std::string text;
    for (int64_t v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
    return text;
}

using offsets_e2e = broker_test;

TEST_F(offsets_e2e, offsets_for_times_finds_the_first_record_at_or_after_a_timestamp) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "times", "1"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();

    // CreateTime timestamps, not monotonic, in three batches (ends after records 2 and 5).
    const std::vector<int64_t> ts = {1000, 2000, 3000, 1500, 4000, 4000, 6000, 5000, 7000, 9000};
    // query -> expected offset: the first record whose timestamp is >= the query; -1 past the end.
    const std::vector<std::pair<int64_t, int64_t>> expected = {
        {0, 0},       {1000, 0},    {1001, 1},    {1500, 1}, {2500, 2}, {3500, 4},
        {4000, 4},    {4500, 6},    {5000, 6},    {6500, 8}, {9000, 9}, {9001, -1}};
    std::vector<int64_t> timestamps, queries;
    for (int64_t t : ts) timestamps.push_back(base_ms + t);
    for (const auto& [q, _] : expected) queries.push_back(base_ms + q);
    std::vector<std::string> expected_lines;
    for (const auto& [q, offset] : expected)
        expected_lines.push_back("query " + std::to_string(base_ms + q) + " -> " + std::to_string(offset));

    auto r = run_script("confluent_timestamps.py", {broker->bootstrap(), "times", "--timestamps", joined(timestamps),
                                                     "--flush-after", "2,5", "--query", joined(queries)});
    ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    std::vector<std::string> acks;
    for (size_t i = 0; i < ts.size(); ++i) acks.push_back("ack " + std::to_string(i) + " " + std::to_string(timestamps[i]));
    EXPECT_EQ(lines_starting(r.out, "ack "), acks) << r.out;
    EXPECT_EQ(lines_starting(r.out, "query "), expected_lines) << r.out;

    // The special timestamps, raw: latest, earliest, max timestamp (KIP-734).
    const uint16_t port = broker->port();
    EXPECT_EQ(list_offset(port, "times", 0, -1), (listed{error_code::none, -1, 10}));
    EXPECT_EQ(list_offset(port, "times", 0, -2), (listed{error_code::none, -1, 0}));
    EXPECT_EQ(list_offset(port, "times", 0, -3), (listed{error_code::none, base_ms + 9000, 9}));
    EXPECT_EQ(list_offset(port, "times", 0, base_ms + 4500), (listed{error_code::none, base_ms + 6000, 6}));

    // The time index survives a clean restart and is rebuilt after a crash.
    for (int signal : {SIGTERM, SIGKILL}) {
        restart(signal);
        auto again = run_script("confluent_timestamps.py", {broker->bootstrap(), "times", "--query", joined(queries)});
        ASSERT_TRUE(again.ok()) << again.describe() << broker->log();
        EXPECT_EQ(lines_starting(again.out, "query "), expected_lines) << "after signal " << signal << ":\n" << again.out;
        EXPECT_EQ(list_offset(port, "times", 0, -3), (listed{error_code::none, base_ms + 9000, 9}));
    }
}

// DeleteRecords v2 for (partition, offset) pairs of one topic: per partition, the low watermark
// answered and the error.
std::vector<std::pair<int64_t, error_code>> delete_records(uint16_t port, const std::string& topic,
                                                           const std::vector<std::pair<int32_t, int64_t>>& targets) {
    test_client client(port);
    msg::delete_records_request req;
    req.timeout_ms = 30000;
    auto& t = req.topics.emplace_back();
    t.name = topic;
    for (const auto& [partition, offset] : targets) {
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{partition};
        p.offset = model::offset{offset};
    }
    std::vector<std::pair<int64_t, error_code>> results;
    auto resp = round_trip<msg::delete_records_response>(client, req, 2);
    if (!resp || resp->topics.size() != 1) return results;
    for (const auto& p : resp->topics[0].partitions) results.emplace_back(p.low_watermark.value(), p.error_code);
    return results;
}

TEST_F(offsets_e2e, delete_records_moves_the_log_start_and_consumers_start_there) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    // Small segments, so that DeleteRecords also removes whole segment files.
    start({"--set", "log.segment.bytes=65536"});
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "trim", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();
    auto produced = run_script("confluent_produce.py", {broker->bootstrap(), "trim", "--count", "3000", "--batch-bytes", "16384"});
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();

    const auto bases_before = segment_bases(broker->data_dir(), "trim", 0);
    ASSERT_GE(bases_before.size(), 3u) << "expected several segments";
    ASSERT_EQ(bases_before.front(), 0);

    // Partition 0 to offset 400, partition 1 to the high watermark (-1), partition 2 beyond
    // it: OFFSET_OUT_OF_RANGE, nothing moves.
    const auto results = delete_records(broker->port(), "trim", {{0, 400}, {1, -1}, {2, 1001}});
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0], std::make_pair(int64_t{400}, error_code::none));
    EXPECT_EQ(results[1], std::make_pair(int64_t{1000}, error_code::none));
    EXPECT_EQ(results[2].second, error_code::offset_out_of_range);
    // Segments wholly below the new log start are gone at once; the one holding it stays.
    const auto bases_after = segment_bases(broker->data_dir(), "trim", 0);
    ASSERT_FALSE(bases_after.empty());
    EXPECT_GT(bases_after.front(), 0);
    EXPECT_LE(bases_after.front(), 400);
    EXPECT_EQ(bases_after.back(), bases_before.back());
    // Moving it back is no error and changes nothing.
    EXPECT_EQ(delete_records(broker->port(), "trim", {{0, 100}}),
              (std::vector<std::pair<int64_t, error_code>>{{400, error_code::none}}));

    // A consumer from the beginning starts at the new log start; seq = partition + 3 * offset.
    const std::vector<std::string> watermarks = {"watermarks 0 400 1000", "watermarks 1 1000 1000",
                                                 "watermarks 2 0 1000"};
    auto check_consumer = [&](const std::string& when) {
        auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "trim", "--list"});
        ASSERT_TRUE(consumed.ok()) << when << ": " << consumed.describe() << broker->log();
        EXPECT_EQ(lines_starting(consumed.out, "watermarks "), watermarks) << when;
        EXPECT_EQ(lines_starting(consumed.out, "consumed "),
                  std::vector<std::string>{"consumed 1600 bad 0 order_violations 0 gaps 0"})
            << when << ":\n" << consumed.out;
        const auto first = lines_starting(consumed.out, "msg 0 ");
        ASSERT_FALSE(first.empty()) << when;
        EXPECT_EQ(first.front(), "msg 0 400 1200") << when;
        EXPECT_EQ(lines_starting(consumed.out, "msg 1 ").size(), 0u) << when;
        EXPECT_EQ(lines_starting(consumed.out, "msg 2 ").front(), "msg 2 0 2") << when;
        EXPECT_EQ(list_offset(broker->port(), "trim", 0, -2), (listed{error_code::none, -1, 400})) << when;
    };
    check_consumer("after DeleteRecords");
    // The log start offset was checkpointed before the answer: it survives a crash too.
    restart(SIGKILL);
    check_consumer("after SIGKILL");
    restart(SIGTERM);
    check_consumer("after SIGTERM");
}

} // namespace
} // namespace sluice::e2e
