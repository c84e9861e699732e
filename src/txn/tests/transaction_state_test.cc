// Transaction states: Kafka's ids, names and transitions; the metadata's prepared transitions.
#include "txn/tests/harness.h"
#include "txn/transaction_metadata.h"

namespace sluice::txn::testing {
namespace {

TEST(transaction_state, ids_and_names) {
    const char* names[] = {"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort",
                           "Dead", "PrepareEpochFence"};
    for (int8_t id = 0; id < 8; ++id) {
        auto s = state_from_id(id);
        ASSERT_TRUE(s);
        EXPECT_EQ(state_name(*s), names[id]);
        EXPECT_EQ(state_from_name(names[id]), s);
    }
    EXPECT_FALSE(state_from_id(8));
    EXPECT_FALSE(state_from_name("ongoing"));
}

TEST(transaction_state, transitions) {
    using enum txn_state;
    EXPECT_TRUE(valid_transition(empty, ongoing));
    EXPECT_TRUE(valid_transition(complete_abort, ongoing));
    EXPECT_TRUE(valid_transition(ongoing, prepare_commit));
    EXPECT_FALSE(valid_transition(empty, prepare_commit));
    EXPECT_FALSE(valid_transition(empty, prepare_abort)); // transaction version 2 only
    EXPECT_TRUE(valid_transition(prepare_epoch_fence, prepare_abort));
    EXPECT_TRUE(valid_transition(prepare_commit, complete_commit));
    EXPECT_FALSE(valid_transition(prepare_commit, complete_abort));
    EXPECT_TRUE(valid_transition(complete_commit, dead));
    EXPECT_FALSE(valid_transition(ongoing, dead));
    EXPECT_TRUE(valid_transition(ongoing, prepare_epoch_fence));
    EXPECT_TRUE(expiration_allowed(empty));
    EXPECT_FALSE(expiration_allowed(ongoing));
}

TEST(transaction_metadata, pending_until_completed) {
    txn_values v;
    v.producer_id = model::producer_id{5};
    v.producer_epoch = model::producer_epoch{0};
    txn_metadata m("a", 0, v);
    txn_values target = m.prepare_add_partitions({{"t", 0}}, 100);
    EXPECT_TRUE(m.pending_transition());
    EXPECT_EQ(m.v.state, txn_state::empty); // not applied before it is durable
    EXPECT_EQ(target.start_timestamp_ms, 100);
    m.complete_transition(target);
    EXPECT_FALSE(m.pending_transition());
    EXPECT_EQ(m.v.state, txn_state::ongoing);
    EXPECT_EQ(m.v.partitions.size(), 1u);
}

} // namespace
} // namespace sluice::txn::testing
