#include "cli/txn_view.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

txn_description ongoing() {
    txn_description t;
    t.coordinator_id = model::node_id{1};
    t.transactional_id = "payments";
    t.producer_id = model::producer_id{4000};
    t.producer_epoch = model::producer_epoch{3};
    t.state = "Ongoing";
    t.timeout_ms = 60000;
    t.start_time_ms = 1'700'000'000'000;
    t.partitions = {{"orders", 2}, {"audit", 0}, {"orders", 0}};
    return t;
}

TEST(txn_view, list_table_and_json_sorted_by_transactional_id) {
    const std::vector<txn_listing> listed = {{"b", model::node_id{2}, model::producer_id{11}, "CompleteCommit"},
                                             {"a", model::node_id{1}, model::producer_id{1000}, "Ongoing"}};
    EXPECT_EQ(txn_list_table(listed),
              "TransactionalId  Coordinator  ProducerId  TransactionState\n"
              "a                1            1000        Ongoing\n"
              "b                2            11          CompleteCommit\n");
    EXPECT_EQ(txn_list_json(listed),
              R"([{"transactional_id":"a","coordinator":1,"producer_id":1000,"transaction_state":"Ongoing"},)"
              R"({"transactional_id":"b","coordinator":2,"producer_id":11,"transaction_state":"CompleteCommit"}])"
              "\n");
    EXPECT_EQ(txn_list_table({}), "TransactionalId  Coordinator  ProducerId  TransactionState\n");
    EXPECT_EQ(txn_list_json({}), "[]\n");
}

TEST(txn_view, describe_an_ongoing_transaction) {
    const auto t = ongoing();
    EXPECT_EQ(txn_describe_table(t, 1'700'000'001'500),
              "CoordinatorId  TransactionalId  ProducerId  ProducerEpoch  TransactionState  TransactionTimeoutMs  "
              "CurrentTransactionStartTimeMs  TransactionDurationMs  TopicPartitions\n"
              "1              payments         4000        3              Ongoing           60000                 "
              "1700000000000                  1500                   audit-0,orders-0,orders-2\n");
    EXPECT_EQ(txn_describe_json(t, 1'700'000'001'500),
              R"({"coordinator_id":1,"transactional_id":"payments","producer_id":4000,"producer_epoch":3,)"
              R"("transaction_state":"Ongoing","transaction_timeout_ms":60000,)"
              R"("current_transaction_start_time_ms":1700000000000,"transaction_duration_ms":1500,)"
              R"("topic_partitions":[{"topic":"audit","partition":0},{"topic":"orders","partition":0},)"
              R"({"topic":"orders","partition":2}]})"
              "\n");
}

TEST(txn_view, describe_without_a_running_transaction) {
    auto t = ongoing();
    t.state = "CompleteCommit";
    t.start_time_ms = start_time_of(-1);
    t.partitions.clear();
    // As kafka-transactions.sh: "None" for both times, an empty partition list (no trailing blanks).
    EXPECT_EQ(txn_describe_table(t, 5),
              "CoordinatorId  TransactionalId  ProducerId  ProducerEpoch  TransactionState  TransactionTimeoutMs  "
              "CurrentTransactionStartTimeMs  TransactionDurationMs  TopicPartitions\n"
              "1              payments         4000        3              CompleteCommit    60000                 "
              "None                           None\n");
    EXPECT_EQ(txn_describe_json(t, 5),
              R"({"coordinator_id":1,"transactional_id":"payments","producer_id":4000,"producer_epoch":3,)"
              R"("transaction_state":"CompleteCommit","transaction_timeout_ms":60000,)"
              R"("current_transaction_start_time_ms":null,"transaction_duration_ms":null,"topic_partitions":[]})"
              "\n");
    EXPECT_EQ(start_time_of(0), std::optional<int64_t>(0));
}

} // namespace
} // namespace sluice::cli
