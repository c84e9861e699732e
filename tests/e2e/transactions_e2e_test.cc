// Transactions (KIP-98) with a real client: confluent-kafka (librdkafka 2.0.2) transactional
// producers and read_committed / read_uncommitted consumers against the broker
// (tests/e2e/clients/confluent_txn.py runs each scenario).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "e2e/background_process.h"
#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"
#include "protocol/generated/api_002_list_offsets.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using net::testing::test_client;
using protocol::error_code;
namespace msg = protocol::msg;

using transactions_e2e = broker_test;

struct message {
    int partition;
    int64_t offset;
    std::string value;
};

// The "msg <partition> <offset> <value>" lines of confluent_txn.py consume.
std::vector<message> messages_of(const std::string& out) {
    std::vector<message> result;
    for (const auto& line : lines_starting(out, "msg ")) {
        std::istringstream in(line.substr(4));
        message m{};
        in >> m.partition >> m.offset >> m.value;
        result.push_back(m);
    }
    return result;
}

std::multiset<std::string> values_of(const std::vector<message>& messages) {
    std::multiset<std::string> out;
    for (const auto& m : messages) out.insert(m.value);
    return out;
}

std::multiset<std::string> numbered(const std::string& prefix, int count) {
    std::multiset<std::string> out;
    for (int i = 0; i < count; ++i) out.insert(prefix + std::to_string(i));
    return out;
}

std::vector<message> consume(const broker_process& broker, const std::string& topic, const std::string& isolation) {
    auto consumed = run_script("confluent_txn.py", {"consume", broker.bootstrap(), topic, "--isolation", isolation});
    EXPECT_TRUE(consumed.ok()) << consumed.describe();
    return messages_of(consumed.out);
}

// ListOffsets latest for a partition at read_uncommitted (the high watermark) and
// read_committed (the last stable offset).
std::pair<int64_t, int64_t> high_and_stable(uint16_t port, const std::string& topic, int32_t partition) {
    std::pair<int64_t, int64_t> out{-1, -1};
    for (int8_t isolation : {0, 1}) {
        test_client client(port);
        msg::list_offsets_request req;
        req.replica_id = model::node_id{-1};
        req.isolation_level = isolation;
        auto& t = req.topics.emplace_back();
        t.name = topic;
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{partition};
        p.timestamp = -1;
        auto response = round_trip<msg::list_offsets_response>(client, req, 7);
        if (!response) continue;
        (isolation == 0 ? out.first : out.second) = response->topics.at(0).partitions.at(0).offset.value();
    }
    return out;
}

TEST_F(transactions_e2e, read_committed_sees_the_committed_transaction_only_and_no_marker_is_data) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    ASSERT_EQ(create_topic(broker->port(), "txn", 3), error_code::none) << broker->log();
    auto ran = run_script("confluent_txn.py", {"commit-abort", broker->bootstrap(), "txn", "--count", "30"});
    ASSERT_TRUE(ran.ok()) << ran.describe() << broker->log();
    EXPECT_EQ(lines_starting(ran.out, "committed "), std::vector<std::string>{"committed 30"});
    EXPECT_EQ(lines_starting(ran.out, "aborted "), std::vector<std::string>{"aborted 30"});

    const auto committed = consume(*broker, "txn", "read_committed");
    EXPECT_EQ(values_of(committed), numbered("c-", 30));
    const auto everything = consume(*broker, "txn", "read_uncommitted");
    std::multiset<std::string> both = numbered("c-", 30);
    both.merge(numbered("a-", 30));
    EXPECT_EQ(values_of(everything), both); // a marker never shows as a message
    // Each partition: 10 committed records, their COMMIT marker, 10 aborted, the ABORT marker.
    std::map<int, std::vector<int64_t>> offsets;
    for (const auto& m : everything) offsets[m.partition].push_back(m.offset);
    for (int p = 0; p < 3; ++p) {
        std::vector<int64_t> expected;
        for (int64_t o = 0; o < 21; ++o)
            if (o != 10) expected.push_back(o);
        EXPECT_EQ(offsets[p], expected) << "partition " << p;
        EXPECT_EQ(high_and_stable(broker->port(), "txn", p), std::make_pair(int64_t{22}, int64_t{22}));
    }
}

TEST_F(transactions_e2e, consume_transform_produce_moves_the_groups_offsets_only_when_the_transaction_commits) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    ASSERT_EQ(create_topic(broker->port(), "in", 3), error_code::none) << broker->log();
    ASSERT_EQ(create_topic(broker->port(), "out", 3), error_code::none) << broker->log();
    auto produced = run_script("confluent_produce.py", {broker->bootstrap(), "in", "--count", "30"});
    ASSERT_TRUE(produced.ok()) << produced.describe();

    auto aborted = run_script("confluent_txn.py", {"transform", broker->bootstrap(), "in", "out", "--group", "ctp",
                                                   "--count", "30", "--outcome", "abort"});
    ASSERT_TRUE(aborted.ok()) << aborted.describe() << broker->log();
    EXPECT_EQ(lines_starting(aborted.out, "positions "), std::vector<std::string>{"positions 0:10,1:10,2:10"});
    auto offsets = run_script("confluent_txn.py", {"committed", broker->bootstrap(), "in", "--group", "ctp"});
    ASSERT_TRUE(offsets.ok()) << offsets.describe();
    EXPECT_EQ(lines_starting(offsets.out, "committed "),
              (std::vector<std::string>{"committed 0 -1001", "committed 1 -1001", "committed 2 -1001"}));
    EXPECT_TRUE(consume(*broker, "out", "read_committed").empty());

    // Nothing was committed: the next run starts from the beginning again.
    auto done = run_script("confluent_txn.py", {"transform", broker->bootstrap(), "in", "out", "--group", "ctp",
                                                "--count", "30", "--outcome", "commit"});
    ASSERT_TRUE(done.ok()) << done.describe() << broker->log();
    EXPECT_EQ(lines_starting(done.out, "commit "), std::vector<std::string>{"commit 30"});
    offsets = run_script("confluent_txn.py", {"committed", broker->bootstrap(), "in", "--group", "ctp"});
    EXPECT_EQ(lines_starting(offsets.out, "committed "),
              (std::vector<std::string>{"committed 0 10", "committed 1 10", "committed 2 10"}));
    const auto out = consume(*broker, "out", "read_committed");
    EXPECT_EQ(out.size(), 30u);
    for (const auto& m : out) EXPECT_EQ(m.value.rfind("t-", 0), 0u) << m.value;
}

TEST_F(transactions_e2e, a_second_producer_with_the_same_transactional_id_fences_the_first) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    ASSERT_EQ(create_topic(broker->port(), "fence", 3), error_code::none) << broker->log();
    auto ran = run_script("confluent_txn.py", {"fence", broker->bootstrap(), "fence", "--id", "shared"});
    ASSERT_TRUE(ran.ok()) << ran.describe() << broker->log();
    const auto a = lines_starting(ran.out, "a-");
    ASSERT_EQ(a.size(), 1u) << ran.out;
    EXPECT_EQ(a[0].rfind("a-error ", 0), 0u) << a[0]; // never "a-committed"
    EXPECT_NE(a[0].find("fatal=True"), std::string::npos) << a[0];
    EXPECT_EQ(lines_starting(ran.out, "b-committed"), std::vector<std::string>{"b-committed"});
    EXPECT_EQ(values_of(consume(*broker, "fence", "read_committed")), std::multiset<std::string>{"fencer-b"});
}

TEST_F(transactions_e2e, a_transaction_left_open_past_its_timeout_is_aborted_and_the_stable_offset_advances) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start({"--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500"});
    ASSERT_EQ(create_topic(broker->port(), "hang", 3), error_code::none) << broker->log();
    auto ran = run_script("confluent_txn.py",
                          {"open", broker->bootstrap(), "hang", "--id", "hanging", "--count", "30", "--timeout-ms", "3000"});
    ASSERT_TRUE(ran.ok()) << ran.describe() << broker->log();
    EXPECT_EQ(lines_starting(ran.out, "produced "), std::vector<std::string>{"produced 30"});
    // Open: the stable offset is held at the transaction's first offset.
    EXPECT_EQ(high_and_stable(broker->port(), "hang", 0), std::make_pair(int64_t{10}, int64_t{0}));
    ASSERT_TRUE(net::testing::eventually(
        [&] { return high_and_stable(broker->port(), "hang", 0) == std::make_pair(int64_t{11}, int64_t{11}); }, 30s))
        << broker->log();
    EXPECT_TRUE(consume(*broker, "hang", "read_committed").empty());
    EXPECT_EQ(consume(*broker, "hang", "read_uncommitted").size(), 30u);
}

// kill -9 of the broker while a transaction is open: after the restart, the producer's commit
// either succeeds (the coordinator's Ongoing state and the partitions' open transaction were
// both durable) and every record is visible, or fails and none is: never half of them.
TEST_F(transactions_e2e, a_transaction_open_across_a_broker_crash_is_all_or_nothing) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    ASSERT_EQ(create_topic(broker->port(), "crash", 3), error_code::none) << broker->log();
    const std::string go = std::filesystem::path(broker->data_dir()).parent_path() / "commit-now";
    background_process producer({python, script_path("confluent_txn.py"), "open", broker->bootstrap(), "crash", "--id",
                                 "crashing", "--count", "30", "--wait-file", go});
    ASSERT_TRUE(net::testing::eventually([&] { return producer.out().find("produced 30") != std::string::npos; }, 60s))
        << producer.err() << broker->log();
    restart(SIGKILL);
    std::ofstream(go).put('\n');
    ASSERT_EQ(producer.wait(120s), std::optional<int>(0)) << producer.err();
    const auto outcome = lines_starting(producer.out(), "commit ");
    ASSERT_EQ(outcome.size(), 1u) << producer.out();
    const auto visible = consume(*broker, "crash", "read_committed");
    if (outcome[0] == "commit ok") {
        EXPECT_EQ(values_of(visible), numbered("o-", 30));
    } else {
        EXPECT_TRUE(visible.empty()) << outcome[0];
    }
    RecordProperty("outcome", outcome[0]);
    for (int p = 0; p < 3; ++p) {
        const auto [high, stable] = high_and_stable(broker->port(), "crash", p);
        EXPECT_EQ(high, stable) << "partition " << p;
    }
}

} // namespace
} // namespace sluice::e2e
