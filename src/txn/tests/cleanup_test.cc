// Timed-out transactions are aborted (the producer fenced); idle ids expire.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

TEST_F(txn_test, timed_out_transaction_is_aborted_with_an_epoch_bump) {
    auto p = init("a", 4, 20'000);
    add("a", p, {{"t", {0}}});
    clock.advance(20'000); // the check runs every 10 s: at 10 s and 20 s, not yet over
    EXPECT_EQ(state("a"), "Ongoing");
    clock.advance(10'000);
    EXPECT_EQ(state("a"), "CompleteAbort");
    ASSERT_EQ(markers.requests.size(), 1u);
    EXPECT_FALSE(markers.requests[0].commit);
    EXPECT_EQ(markers.requests[0].producer_epoch, model::producer_epoch{1});
    EXPECT_EQ(describe("a").producer_epoch, model::producer_epoch{1});
    // The producer is fenced.
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::producer_fenced);
    EXPECT_EQ(end("a", p, true), error_code::producer_fenced);
    EXPECT_EQ(init("a").producer_epoch, model::producer_epoch{2});
}

TEST_F(txn_test, idle_transactional_ids_expire_with_a_tombstone) {
    config.id_expiration_ms = 7'200'000;
    start();
    auto p = init("a");
    auto q = init("b");
    add("b", q, {{"t", {0}}}); // Ongoing: never expires (it times out instead)
    clock.advance(3'600'000);
    EXPECT_EQ(state("a"), "Empty");
    clock.advance(3'600'000);
    EXPECT_EQ(describe("a").error_code, error_code::transactional_id_not_found);
    ASSERT_FALSE(log.durable.back().second.value);
    auto d = decode_transaction_record(log.durable.back().second.key, std::nullopt);
    EXPECT_EQ(d->transactional_id, "a");
    EXPECT_EQ(state("b"), "CompleteAbort"); // timed out meanwhile, not yet idle long enough
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::invalid_producer_id_mapping);
}

TEST_F(txn_test, failed_expiration_keeps_the_id) {
    config.id_expiration_ms = 1'000;
    start();
    init("a");
    log.fail_next = {error_code::not_leader_or_follower};
    clock.advance(3'600'000);
    EXPECT_EQ(state("a"), "Empty");
    EXPECT_EQ(init("a").producer_epoch, model::producer_epoch{1});
}

} // namespace
} // namespace sluice::txn::testing
