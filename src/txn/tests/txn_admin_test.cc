// DescribeTransactions and ListTransactions.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

TEST_F(txn_test, describe_transaction) {
    EXPECT_EQ(describe("a").error_code, error_code::transactional_id_not_found);
    EXPECT_EQ(describe("").error_code, error_code::invalid_request);
    auto p = init("a", 4, 30'000);
    add("a", p, {{"t", {1, 0}}});
    auto d = describe("a");
    EXPECT_EQ(d.error_code, error_code::none);
    EXPECT_EQ(d.transactional_id, "a");
    EXPECT_EQ(d.transaction_state, "Ongoing");
    EXPECT_EQ(d.transaction_timeout_ms, 30'000);
    EXPECT_EQ(d.transaction_start_time_ms, clock.now);
    EXPECT_EQ(d.producer_id, p.producer_id);
    EXPECT_EQ(d.producer_epoch, p.producer_epoch);
    ASSERT_EQ(d.topics.size(), 1u);
    EXPECT_EQ(d.topics[0].partitions, (std::vector<model::partition_id>{model::partition_id{0}, model::partition_id{1}}));
}

TEST_F(txn_test, list_transactions_filters) {
    auto a = init("a");
    add("a", a, {{"t", {0}}});
    clock.advance(5'000);
    init("b");
    auto names = [](const std::vector<transaction_coordinator::listed_transaction>& l) {
        std::vector<std::string> out;
        for (const auto& t : l) out.push_back(t.transactional_id + ":" + t.transaction_state);
        return out;
    };
    EXPECT_EQ(names(coordinator->list_transactions({}, {})), (std::vector<std::string>{"a:Ongoing", "b:Empty"}));
    EXPECT_EQ(names(coordinator->list_transactions({"Ongoing"}, {})), (std::vector<std::string>{"a:Ongoing"}));
    EXPECT_EQ(names(coordinator->list_transactions({}, {model::producer_id{1001}})),
              (std::vector<std::string>{"b:Empty"}));
    EXPECT_EQ(names(coordinator->list_transactions({"Bogus"}, {})).size(), 2u); // unknown names do not filter
    EXPECT_EQ(transaction_coordinator::unknown_state_filters({"Bogus", "Empty"}), (std::vector<std::string>{"Bogus"}));
    // v1: running longer than 4 s (b's start is -1: Empty ids count as running since the epoch, as Kafka).
    EXPECT_EQ(names(coordinator->list_transactions({"Ongoing"}, {}, 4'000)), (std::vector<std::string>{"a:Ongoing"}));
    EXPECT_TRUE(coordinator->list_transactions({"Ongoing"}, {}, 6'000).empty());
}

} // namespace
} // namespace sluice::txn::testing
