// End-to-end: `sluice txn list|describe` against the real broker, on a transaction a real
// transactional producer (confluent-kafka, tests/e2e/clients/confluent_txn.py) holds open, then
// commits. librdkafka 2.0.2 has neither ListTransactions nor DescribeTransactions, so the
// commands speak the protocol themselves (src/cli/protocol_client.h); their fake-broker tests
// are in src/cli/tests/txn_commands_test.cc.
//
// Each test is skipped while the broker does not advertise the transaction APIs (cli_fixture.h).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e/background_process.h"
#include "e2e/cli_fixture.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;

inline constexpr api init_producer_id{22, "InitProducerId"}, add_partitions_to_txn{24, "AddPartitionsToTxn"},
    end_txn{26, "EndTxn"}, describe_transactions{65, "DescribeTransactions"},
    list_transactions{66, "ListTransactions"};

#define SKIP_UNLESS_TRANSACTIONS_SERVED()                                                                    \
    SKIP_UNLESS_SERVED(metadata, create_topics, produce, find_coordinator, init_producer_id,                \
                       add_partitions_to_txn, end_txn, describe_transactions, list_transactions)

const std::string txn_id = "e2e-cli-txn";
const std::string list_header = "TransactionalId  Coordinator  ProducerId  TransactionState";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool is_number(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

class cli_txn_e2e : public cli_e2e {
protected:
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove(wait_file, ignored);
        cli_e2e::TearDown();
    }

    // The words of the row of `txn list` (table) for txn_id once its state is `state`; empty
    // when it is not within 20 s.
    std::vector<std::string> listed_as(const std::string& state, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"txn", "list"};
        args.insert(args.end(), extra.begin(), extra.end());
        golden::process_result r;
        for (auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
            r = sluice(args);
            const auto lines = lines_of(r.out);
            EXPECT_TRUE(r.ok()) << r.describe();
            EXPECT_FALSE(lines.empty()) << r.describe();
            if (!lines.empty()) {
                EXPECT_EQ(lines[0], list_header);
            }
            for (size_t i = 1; i < lines.size(); ++i) {
                auto row = words(lines[i]);
                if (row.size() == 4 && row[0] == txn_id && row[3] == state) return row;
            }
            std::this_thread::sleep_for(200ms);
        }
        ADD_FAILURE() << txn_id << " not listed as " << state << ": " << r.describe();
        return {};
    }

    // The words of `txn describe txn_id`'s row once its state is `state` (within 20 s).
    std::vector<std::string> described_as(const std::string& state) {
        golden::process_result r;
        for (auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
            r = sluice({"txn", "describe", txn_id});
            const auto lines = lines_of(r.out);
            EXPECT_TRUE(r.ok()) << r.describe();
            if (lines.size() == 2) {
                EXPECT_EQ(words(lines[0]),
                          (std::vector<std::string>{"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch",
                                                    "TransactionState", "TransactionTimeoutMs",
                                                    "CurrentTransactionStartTimeMs", "TransactionDurationMs",
                                                    "TopicPartitions"}));
                auto row = words(lines[1]);
                if (row.size() >= 5 && row[4] == state) return row;
            }
            std::this_thread::sleep_for(200ms);
        }
        ADD_FAILURE() << txn_id << " not described as " << state << ": " << r.describe();
        return {};
    }

    std::filesystem::path wait_file =
        std::filesystem::temp_directory_path() / ("sluice-cli-txn-" + std::to_string(::getpid()));
};

TEST_F(cli_txn_e2e, an_open_transaction_is_listed_and_described_until_it_commits) {
    SKIP_UNLESS_TRANSACTIONS_SERVED();
    expect_success({"topic", "create", "txn-topic", "-p", "3"}, "created topic txn-topic\n");
    // 30 messages over partitions 0, 1 and 2, flushed; the transaction stays open until the file
    // exists.
    background_process producer({"/usr/bin/python3", std::string(SLUICE_E2E_CLIENTS_DIR) + "/confluent_txn.py", "open",
                                 broker->bootstrap(), "txn-topic", "--id", txn_id, "--count", "30", "--wait-file",
                                 wait_file.string()});
    ASSERT_TRUE(producer.started());
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < deadline && producer.out().find("produced 30") == std::string::npos;)
        std::this_thread::sleep_for(100ms);
    ASSERT_NE(producer.out().find("produced 30"), std::string::npos) << producer.err() << broker->log();

    const auto listed = listed_as("Ongoing");
    ASSERT_EQ(listed.size(), 4u);
    EXPECT_EQ(listed[1], "1"); // the coordinator: the only broker
    const std::string producer_id = listed[2];
    EXPECT_TRUE(is_number(producer_id)) << producer_id;
    // The filters go to the broker (KIP-664).
    EXPECT_EQ(listed_as("Ongoing", {"--state", "ongoing", "--producer-id", producer_id}), listed);
    expect_success({"txn", "list", "--state", "CompleteCommit,CompleteAbort"}, list_header + "\n");
    expect_success({"txn", "list", "--format", "json"},
                   R"([{"transactional_id":")" + txn_id + R"(","coordinator":1,"producer_id":)" + producer_id +
                       R"(,"transaction_state":"Ongoing"}])"
                       "\n");

    const auto open = described_as("Ongoing");
    ASSERT_EQ(open.size(), 9u);
    EXPECT_EQ(open[0], "1");
    EXPECT_EQ(open[1], txn_id);
    EXPECT_EQ(open[2], producer_id);
    EXPECT_TRUE(is_number(open[3])) << open[3];
    EXPECT_EQ(open[5], "60000"); // librdkafka's default transaction.timeout.ms
    EXPECT_TRUE(is_number(open[6])) << open[6];
    EXPECT_TRUE(is_number(open[7])) << open[7];
    EXPECT_EQ(open[8], "txn-topic-0,txn-topic-1,txn-topic-2");

    std::ofstream(wait_file).put('\n');
    EXPECT_EQ(producer.wait(60s), std::optional<int>(0)) << producer.err();
    EXPECT_NE(producer.out().find("commit ok"), std::string::npos) << producer.out() << producer.err();

    const auto committed = described_as("CompleteCommit");
    ASSERT_GE(committed.size(), 6u);
    EXPECT_EQ(committed[2], producer_id);
    // No partitions any more: the last column is a time ("None" or a number), not a partition list.
    EXPECT_EQ(committed.back().find("txn-topic"), std::string::npos) << committed.back();
    EXPECT_EQ(listed_as("CompleteCommit").at(2), producer_id);
}

TEST_F(cli_txn_e2e, an_unknown_transactional_id_is_not_found) {
    SKIP_UNLESS_TRANSACTIONS_SERVED();
    expect_failure({"txn", "describe", "no-such-id"}, "sluice: transactional id 'no-such-id' not found", "");
    expect_success({"txn", "list"}, list_header + "\n");
}

} // namespace
} // namespace sluice::e2e
