// kafkajs (npm, pinned in tests/e2e/kafkajs/package-lock.json) idempotent and transactional
// producers (KIP-98) against the broker; tests/e2e/kafkajs/transactions.js runs each scenario.
// The same scenarios with librdkafka are transactions_e2e_test.cc.
//
// kafkajs 2.2.4's own behaviour, which the assertions follow (not the broker's):
// - It speaks InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn
//   v1 at most, Produce v7, Fetch v11: the pre-KIP-360 versions, where a fenced producer is
//   told INVALID_PRODUCER_EPOCH (never PRODUCER_FENCED). kafkajs raises it as a non-retriable
//   KafkaJSProtocolError of type INVALID_PRODUCER_EPOCH.
// - A producer created with idempotent: true asks for a non-transactional producer id at
//   connect() even when it has a transactionalId; its transactions use the second id that
//   producer.transaction() obtains from the transaction coordinator.
// - It logs a retriable answer at ERROR level before retrying it: AddPartitionsToTxn right after
//   a commit is answered CONCURRENT_TRANSACTIONS while the markers are being written (EndTxn
//   returns once the commit is decided, as in Kafka), and so is the fencer's InitProducerId.
// - Its consumers always join a group (no plain assign): every read uses a group of its own,
//   from the beginning, and ends when each partition's batches reached the high watermark
//   (batches of only control records or aborted messages count; kafkajs moves past them
//   without calling eachBatch).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/advertised_apis.h"
#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"
#include "protocol/generated/api_061_describe_producers.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using golden::find_program;
using golden::run_process;
using net::testing::test_client;
using protocol::error_code;
namespace msg = protocol::msg;

struct message {
    int partition;
    int64_t offset;
    std::string value;
    bool operator==(const message&) const = default;
    friend std::ostream& operator<<(std::ostream& out, const message& m) {
        return out << m.partition << "@" << m.offset << ":" << m.value;
    }
};

// The "msg <partition> <offset> <value>" lines of transactions.js consume.
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

// Per partition, the consumed messages in the order the consumer saw them.
std::map<int, std::vector<message>> by_partition(const std::vector<message>& messages) {
    std::map<int, std::vector<message>> out;
    for (const auto& m : messages) out[m.partition].push_back(m);
    return out;
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

class kafkajs_txn_e2e : public broker_test {
protected:
    void SetUp() override {
        _node = find_program("node");
        if (_node.empty()) GTEST_SKIP() << "needs node";
        ASSERT_TRUE(std::filesystem::exists(_dir + "/node_modules/kafkajs/package.json"))
            << "kafkajs is not installed: npm ci --prefix tests/e2e/kafkajs (ctest runs it as the "
               "e2e_kafkajs_npm_ci fixture)";
        start({"--set", "group.initial.rebalance.delay.ms=0", "--set", "offsets.topic.num.partitions=4"});
        const auto apis = advertised_apis(broker->port());
        if (auto absent = missing_apis(apis, {find_coordinator_api, join_group_api}); !absent.empty())
            GTEST_SKIP() << "the broker does not advertise " << absent << " (kafkajs consumers need groups)";
    }

    // node transactions.js <command> <bootstrap> <args...>; fails the test when it fails.
    golden::process_result run(const std::string& command, std::vector<std::string> args) {
        std::vector<std::string> argv{_node, _dir + "/transactions.js", command, broker->bootstrap()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = run_process(argv, "", 150s);
        EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
        return r;
    }

    std::vector<message> consume(const std::string& topic, const std::string& isolation) {
        const std::string group = topic + "-" + isolation + "-" + std::to_string(++_reads);
        return messages_of(run("consume", {topic, group, isolation}).out);
    }

private:
    std::string _node;
    std::string _dir = SLUICE_KAFKAJS_DIR;
    int _reads = 0;
};

TEST_F(kafkajs_txn_e2e, an_idempotent_producers_messages_are_read_once_each_in_order) {
    constexpr int count = 300;
    ASSERT_EQ(create_topic(broker->port(), "kjs-idem", 3), error_code::none) << broker->log();
    auto produced = run("idempotent", {"kjs-idem", std::to_string(count)});
    ASSERT_TRUE(produced.ok());

    // Message i: partition i % 3, offset i / 3 there; acknowledged and read back so.
    std::vector<std::string> acks;
    std::vector<message> want;
    for (int i = 0; i < count; ++i)
        acks.push_back("ack " + std::to_string(i % 3) + " " + std::to_string(i / 3) + " " + std::to_string(i));
    for (int p = 0; p < 3; ++p)
        for (int i = p; i < count; i += 3) want.push_back({p, i / 3, "i-" + std::to_string(i)});
    auto got_acks = lines_starting(produced.out, "ack ");
    std::sort(acks.begin(), acks.end());
    std::sort(got_acks.begin(), got_acks.end());
    EXPECT_EQ(got_acks, acks);

    const auto read = by_partition(consume("kjs-idem", "read_uncommitted"));
    std::vector<message> flat;
    for (const auto& [p, messages] : read) flat.insert(flat.end(), messages.begin(), messages.end());
    EXPECT_EQ(flat, want);

    // The batches carried a producer id and sequences (DescribeProducers, KIP-664): one
    // producer, epoch 0, its last sequence the partition's 100th record.
    test_client admin(broker->port());
    msg::describe_producers_request describe;
    auto& topic = describe.topics.emplace_back();
    topic.name = "kjs-idem";
    topic.partition_indexes = {model::partition_id{0}, model::partition_id{1}, model::partition_id{2}};
    auto described = round_trip<msg::describe_producers_response>(admin, describe, 0);
    ASSERT_TRUE(described.has_value());
    const auto& partitions = described->topics.at(0).partitions;
    ASSERT_EQ(partitions.size(), 3u);
    std::set<int64_t> producer_ids;
    for (const auto& partition : partitions) {
        EXPECT_EQ(partition.error_code, error_code::none);
        ASSERT_EQ(partition.active_producers.size(), 1u);
        const auto& state = partition.active_producers[0];
        producer_ids.insert(static_cast<int64_t>(state.producer_id));
        EXPECT_EQ(state.producer_epoch, 0);
        EXPECT_EQ(state.last_sequence, count / 3 - 1);
        EXPECT_EQ(state.current_txn_start_offset.value(), -1);
    }
    EXPECT_EQ(producer_ids.size(), 1u);
}

TEST_F(kafkajs_txn_e2e, read_committed_sees_the_committed_transaction_only_and_no_marker_is_a_message) {
    constexpr int count = 30;
    ASSERT_EQ(create_topic(broker->port(), "kjs-txn", 3), error_code::none) << broker->log();
    auto ran = run("commit-abort", {"kjs-txn", std::to_string(count)});
    ASSERT_TRUE(ran.ok());
    EXPECT_EQ(lines_starting(ran.out, "committed "), std::vector<std::string>{"committed 30"});
    EXPECT_EQ(lines_starting(ran.out, "aborted "), std::vector<std::string>{"aborted 30"});

    // Each partition: 10 committed records (offsets 0-9), their COMMIT marker (10), 10 aborted
    // records (11-20), the ABORT marker (21).
    const auto committed = consume("kjs-txn", "read_committed");
    EXPECT_EQ(values_of(committed), numbered("c-", count));
    for (const auto& [p, messages] : by_partition(committed)) {
        std::vector<int64_t> offsets;
        for (const auto& m : messages) offsets.push_back(m.offset);
        EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})) << "partition " << p;
    }

    const auto everything = consume("kjs-txn", "read_uncommitted");
    std::multiset<std::string> both = numbered("c-", count);
    both.merge(numbered("a-", count));
    EXPECT_EQ(values_of(everything), both); // a marker never shows as a message
    const auto read = by_partition(everything);
    ASSERT_EQ(read.size(), 3u);
    for (const auto& [p, messages] : read) {
        std::vector<int64_t> offsets, expected;
        for (const auto& m : messages) offsets.push_back(m.offset);
        for (int64_t o = 0; o < 21; ++o)
            if (o != 10) expected.push_back(o);
        EXPECT_EQ(offsets, expected) << "partition " << p;
    }
}

TEST_F(kafkajs_txn_e2e, send_offsets_moves_the_groups_offsets_only_when_the_transaction_commits) {
    constexpr int count = 30;
    ASSERT_EQ(create_topic(broker->port(), "kjs-in", 3), error_code::none) << broker->log();
    ASSERT_EQ(create_topic(broker->port(), "kjs-out", 3), error_code::none) << broker->log();
    auto produced = run("idempotent", {"kjs-in", std::to_string(count)});
    ASSERT_TRUE(produced.ok());
    const std::vector<std::string> none{"committed 0 -1", "committed 1 -1", "committed 2 -1"};
    EXPECT_EQ(lines_starting(run("committed", {"kjs-in", "kjs-ctp"}).out, "committed "), none);

    auto aborted = run("transform", {"kjs-in", "kjs-out", "kjs-ctp", std::to_string(count), "abort"});
    ASSERT_TRUE(aborted.ok());
    EXPECT_EQ(lines_starting(aborted.out, "positions "), std::vector<std::string>{"positions 0:10,1:10,2:10"});
    EXPECT_EQ(lines_starting(aborted.out, "abort "), std::vector<std::string>{"abort 30"});
    EXPECT_EQ(lines_starting(run("committed", {"kjs-in", "kjs-ctp"}).out, "committed "), none);
    EXPECT_TRUE(consume("kjs-out", "read_committed").empty());

    // Nothing was committed: the next run reads from the beginning again.
    auto done = run("transform", {"kjs-in", "kjs-out", "kjs-ctp", std::to_string(count), "commit"});
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(lines_starting(done.out, "positions "), std::vector<std::string>{"positions 0:10,1:10,2:10"});
    EXPECT_EQ(lines_starting(done.out, "commit "), std::vector<std::string>{"commit 30"});
    EXPECT_EQ(lines_starting(run("committed", {"kjs-in", "kjs-ctp"}).out, "committed "),
              (std::vector<std::string>{"committed 0 10", "committed 1 10", "committed 2 10"}));
    std::multiset<std::string> transformed;
    for (int i = 0; i < count; ++i) transformed.insert("t-i-" + std::to_string(i));
    EXPECT_EQ(values_of(consume("kjs-out", "read_committed")), transformed);
    EXPECT_EQ(consume("kjs-out", "read_uncommitted").size(), 2u * count); // the aborted run's too
}

TEST_F(kafkajs_txn_e2e, a_second_producer_with_the_same_transactional_id_fences_the_first) {
    ASSERT_EQ(create_topic(broker->port(), "kjs-fence", 3), error_code::none) << broker->log();
    auto ran = run("fence", {"kjs-fence", "kjs-shared"});
    ASSERT_TRUE(ran.ok());
    // B's InitProducerId bumps the epoch and aborts A's open transaction (answering
    // CONCURRENT_TRANSACTIONS until the abort is complete, as Kafka does; kafkajs retries).
    // A's epoch is stale: AddPartitionsToTxn for its new partition and its EndTxn are refused
    // with INVALID_PRODUCER_EPOCH (v1 of both), which kafkajs raises as a non-retriable
    // KafkaJSProtocolError.
    EXPECT_EQ(lines_starting(ran.out, "a-"),
              (std::vector<std::string>{"a-send-error KafkaJSProtocolError INVALID_PRODUCER_EPOCH",
                                        "a-error KafkaJSProtocolError INVALID_PRODUCER_EPOCH retriable=false"}));
    EXPECT_EQ(lines_starting(ran.out, "b-committed"), std::vector<std::string>{"b-committed"});
    EXPECT_EQ(values_of(consume("kjs-fence", "read_committed")), std::multiset<std::string>{"fencer-b"});
}

} // namespace
} // namespace sluice::e2e
