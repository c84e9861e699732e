// InitProducerId: new ids, epoch bumps, fencing, KIP-360, epoch exhaustion, errors.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

TEST_F(txn_test, new_transactional_id_gets_a_producer_id_at_epoch_0) {
    auto r = init("a");
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.producer_id, model::producer_id{1000});
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{0});
    auto v = log.last("a");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->state, txn_state::empty);
    EXPECT_EQ(v->producer_epoch, model::producer_epoch{0});
    EXPECT_EQ(v->timeout_ms, 60'000);
    EXPECT_EQ(state("a"), "Empty");
}

TEST_F(txn_test, existing_id_bumps_the_epoch) {
    init("a");
    auto r = init("a");
    EXPECT_EQ(r.producer_id, model::producer_id{1000});
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{1});
    EXPECT_EQ(ids.calls, 1);
}

TEST_F(txn_test, invalid_timeouts_and_requests) {
    EXPECT_EQ(init("a", 4, 900'001).error_code, error_code::invalid_transaction_timeout);
    EXPECT_EQ(init("a", 4, 0).error_code, error_code::invalid_transaction_timeout);
    EXPECT_EQ(init("", 4).error_code, error_code::invalid_request);
    EXPECT_EQ(init("a", 4, 1000, 5, -1).error_code, error_code::invalid_request);
    EXPECT_TRUE(log.durable.empty());
}

TEST_F(txn_test, not_coordinator_and_loading) {
    coordinator->unload(0);
    EXPECT_EQ(init("a").error_code, error_code::not_coordinator);
    coordinator->begin_load(0, 9);
    auto r = init("a");
    EXPECT_EQ(r.error_code, error_code::coordinator_load_in_progress);
    EXPECT_EQ(r.producer_id, model::no_producer_id);
}

TEST_F(txn_test, producer_id_source_errors_are_answered) {
    ids.error = error_code::coordinator_load_in_progress;
    EXPECT_EQ(init("a").error_code, error_code::coordinator_load_in_progress);
}

TEST_F(txn_test, concurrent_init_while_the_write_is_pending) {
    init("a");
    log.complete_at_once = false;
    msg::init_producer_id_request req;
    req.transactional_id = "a";
    req.transaction_timeout_ms = 1000;
    answer<msg::init_producer_id_response> first;
    coordinator->init_producer_id(4, req, first.cb());
    EXPECT_FALSE(first.ready());
    EXPECT_EQ(init("a").error_code, error_code::concurrent_transactions);
    log.complete();
    ASSERT_TRUE(first.ready());
    EXPECT_EQ(first->producer_epoch, model::producer_epoch{1});
}

TEST_F(txn_test, failed_write_is_mapped_and_changes_nothing) {
    init("a");
    log.fail_next = {error_code::not_leader_or_follower};
    EXPECT_EQ(init("a").error_code, error_code::not_coordinator);
    log.fail_next = {error_code::request_timed_out};
    EXPECT_EQ(init("a").error_code, error_code::coordinator_not_available);
    log.fail_next = {error_code::record_list_too_large};
    EXPECT_EQ(init("a").error_code, error_code::unknown_server_error);
    EXPECT_EQ(describe("a").producer_epoch, model::producer_epoch{0});
    EXPECT_EQ(init("a").producer_epoch, model::producer_epoch{1});
    // A new id whose first record fails leaves nothing behind.
    log.fail_next = {error_code::not_enough_replicas};
    EXPECT_EQ(init("b").error_code, error_code::coordinator_not_available);
    EXPECT_EQ(describe("b").error_code, error_code::transactional_id_not_found);
}

TEST_F(txn_test, ongoing_transaction_is_aborted_and_the_producer_fenced) {
    auto p = init("a");
    ASSERT_EQ(add("a", p, {{"t", {0}}}), error_code::none);
    markers.answer_at_once = false;
    EXPECT_EQ(init("a").error_code, error_code::concurrent_transactions);
    // The abort bumped the epoch (1) and is writing markers with it.
    auto v = log.last("a");
    EXPECT_EQ(v->state, txn_state::prepare_abort);
    EXPECT_EQ(v->producer_epoch, model::producer_epoch{1});
    ASSERT_EQ(markers.requests.size(), 1u);
    EXPECT_FALSE(markers.requests[0].commit);
    EXPECT_EQ(markers.requests[0].producer_epoch, model::producer_epoch{1});
    EXPECT_EQ(init("a").error_code, error_code::concurrent_transactions);
    // The old producer is fenced.
    EXPECT_EQ(end("a", p, true), error_code::producer_fenced);
    markers.answer();
    EXPECT_EQ(state("a"), "CompleteAbort");
    auto r = init("a");
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{2});
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::producer_fenced);
}

TEST_F(txn_test, kip360_recovery_retry_and_fencing) {
    auto p = init("a");                                       // epoch 0
    auto r = init("a", 4, 60'000, 1000, 0);                   // recovering producer: bump
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{1});
    auto retry = init("a", 4, 60'000, 1000, 0);               // its retry: the same epoch
    EXPECT_EQ(retry.error_code, error_code::none);
    EXPECT_EQ(retry.producer_epoch, model::producer_epoch{1});
    init("a");                                                // another producer: epoch 2, last -1
    EXPECT_EQ(init("a", 4, 60'000, 1000, 1).error_code, error_code::producer_fenced);
    EXPECT_EQ(init("a", 3, 60'000, 1000, 1).error_code, error_code::invalid_producer_epoch); // before v4
    EXPECT_EQ(init("a", 4, 60'000, 77, 2).error_code, error_code::producer_fenced); // another producer id
    (void)p;
}

TEST_F(txn_test, epoch_exhaustion_rotates_the_producer_id) {
    // A record at epoch 32766 (Short.MaxValue - 1): exhausted.
    txn_values v;
    v.producer_id = model::producer_id{500};
    v.producer_epoch = model::producer_epoch{32766};
    v.timeout_ms = 1000;
    v.state = txn_state::complete_commit;
    v.start_timestamp_ms = 1;
    v.last_update_timestamp_ms = 2;
    log.durable.emplace_back(0, transaction_record("a", v, 1));
    restart();
    auto r = init("a", 4, 60'000, 500, 32766);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.producer_id, model::producer_id{1000});
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{0});
    // The rotation's retry (previous id, exhausted epoch) gets the same answer.
    auto retry = init("a", 4, 60'000, 500, 32766);
    EXPECT_EQ(retry.producer_id, model::producer_id{1000});
    EXPECT_EQ(retry.producer_epoch, model::producer_epoch{0});
    EXPECT_EQ(ids.calls, 1);
}

TEST_F(txn_test, fencing_an_almost_exhausted_epoch_rotates_on_retry) {
    txn_values v;
    v.producer_id = model::producer_id{500};
    v.producer_epoch = model::producer_epoch{32765};
    v.timeout_ms = 1000;
    v.state = txn_state::ongoing;
    v.partitions = {{"t", 0}};
    v.start_timestamp_ms = clock.now;
    v.last_update_timestamp_ms = clock.now;
    log.durable.emplace_back(0, transaction_record("a", v, 1));
    restart();
    EXPECT_EQ(init("a").error_code, error_code::concurrent_transactions); // fenced at 32766, aborted
    EXPECT_EQ(state("a"), "CompleteAbort");
    auto r = init("a");
    EXPECT_EQ(r.producer_id, model::producer_id{1000});
    EXPECT_EQ(r.producer_epoch, model::producer_epoch{0});
}

} // namespace
} // namespace sluice::txn::testing
