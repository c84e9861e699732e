// Loading __transaction_state: replay rebuilds the same state; pending commits resume.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

TEST_F(txn_test, replay_rebuilds_identical_state) {
    auto a = init("a");
    add("a", a, {{"t", {0, 1}}});
    auto b = init("b");
    add("b", b, {{"u", {2}}});
    end("b", b, true);
    init("c");
    init("c");
    auto before = coordinator->list_transactions({}, {});
    std::vector<transaction_coordinator::described_transaction> described;
    for (const char* id : {"a", "b", "c"}) described.push_back(describe(id));
    restart();
    EXPECT_EQ(coordinator->list_transactions({}, {}), before);
    for (size_t i = 0; i < described.size(); ++i) EXPECT_EQ(describe(described[i].transactional_id), described[i]);
    EXPECT_EQ(coordinator->skipped_records(), 0u);
}

TEST_F(txn_test, tombstones_and_bad_records_on_replay) {
    init("a");
    log.durable.emplace_back(0, transaction_tombstone("a"));
    log.durable.emplace_back(0, state_record{{0, 7, 1}, std::nullopt});
    restart();
    EXPECT_EQ(describe("a").error_code, error_code::transactional_id_not_found);
    EXPECT_EQ(coordinator->skipped_records(), 1u);
}

TEST_F(txn_test, prepare_commit_resumes_after_load) {
    auto p = init("a");
    add("a", p, {{"t", {0}}});
    markers.answer_at_once = false;
    end("a", p, true);
    ASSERT_EQ(log.last("a")->state, txn_state::prepare_commit);
    markers.pending.clear(); // the coordinator moves before the markers are answered
    markers.requests.clear();
    markers.answer_at_once = true;
    restart();
    ASSERT_EQ(markers.requests.size(), 1u);
    EXPECT_TRUE(markers.requests[0].commit);
    EXPECT_EQ(markers.requests[0].coordinator_epoch, 8);
    EXPECT_EQ(markers.requests[0].partitions, (std::vector<topic_partition>{{"t", 0}}));
    EXPECT_EQ(log.last("a")->state, txn_state::complete_commit);
    EXPECT_EQ(state("a"), "CompleteCommit");
}

TEST_F(txn_test, unload_drops_state_and_late_callbacks_answer_not_coordinator) {
    auto p = init("a");
    log.complete_at_once = false;
    auto pending = add_async("a", p, {{"t", {0}}});
    coordinator->unload(0);
    EXPECT_FALSE(coordinator->loaded(0));
    log.complete();
    ASSERT_TRUE(pending.ready());
    EXPECT_EQ(pending->results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code,
              error_code::not_coordinator);
    EXPECT_EQ(describe("a").error_code, error_code::not_coordinator);
}

TEST_F(txn_test, loading_answers_load_in_progress) {
    coordinator->begin_load(0, 9);
    EXPECT_TRUE(coordinator->loading());
    EXPECT_EQ(describe("a").error_code, error_code::coordinator_load_in_progress);
    EXPECT_EQ(end("a", pid(1, 0), true), error_code::coordinator_load_in_progress);
    coordinator->complete_load(0);
    EXPECT_FALSE(coordinator->loading());
}

} // namespace
} // namespace sluice::txn::testing
