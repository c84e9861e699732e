// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, markers and completion.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

TEST_F(txn_test, add_partitions_errors) {
    auto p = init("a");
    EXPECT_EQ(add("nope", p, {{"t", {0}}}), error_code::invalid_producer_id_mapping);
    EXPECT_EQ(add("a", pid(999, 0), {{"t", {0}}}), error_code::invalid_producer_id_mapping);
    EXPECT_EQ(add("a", pid(1000, 1), {{"t", {0}}}), error_code::producer_fenced);
    EXPECT_EQ(add("a", pid(1000, 1), {{"t", {0}}}, 1), error_code::invalid_producer_epoch); // KIP-588: v2+
    EXPECT_EQ(add("", p, {{"t", {0}}}), error_code::invalid_request);
    coordinator->unload(0);
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::not_coordinator);
}

TEST_F(txn_test, add_partitions_starts_the_transaction) {
    auto p = init("a");
    clock.advance(5);
    EXPECT_EQ(add("a", p, {{"t", {0, 1}}, {"u", {3}}}), error_code::none);
    auto v = log.last("a");
    EXPECT_EQ(v->state, txn_state::ongoing);
    EXPECT_EQ(v->start_timestamp_ms, clock.now);
    EXPECT_EQ(v->partitions, (std::set<topic_partition>{{"t", 0}, {"t", 1}, {"u", 3}}));
    size_t records = log.durable.size();
    EXPECT_EQ(add("a", p, {{"t", {1}}}), error_code::none); // already in: nothing written
    EXPECT_EQ(log.durable.size(), records);
    clock.advance(5);
    EXPECT_EQ(add("a", p, {{"v", {0}}}), error_code::none);
    EXPECT_EQ(log.last("a")->start_timestamp_ms, clock.now - 5); // the start stays
    auto d = describe("a");
    ASSERT_EQ(d.topics.size(), 3u);
    EXPECT_EQ(d.topics[0].topic, "t");
    EXPECT_EQ(d.topics[0].partitions.size(), 2u);
}

TEST_F(txn_test, add_offsets_adds_the_groups_offsets_partition) {
    auto p = init("a");
    msg::add_offsets_to_txn_request r;
    r.transactional_id = "a";
    r.producer_id = p.producer_id;
    r.producer_epoch = p.producer_epoch;
    r.group_id = "group";
    answer<msg::add_offsets_to_txn_response> a;
    coordinator->add_offsets_to_txn(3, r, a.cb());
    ASSERT_TRUE(a.ready());
    EXPECT_EQ(a->error_code, error_code::none);
    // Java: abs("group".hashCode()) % 50 = 98629247 % 50 = 47
    EXPECT_EQ(log.last("a")->partitions, (std::set<topic_partition>{{"__consumer_offsets", 47}}));
    r.producer_epoch = model::producer_epoch{5};
    answer<msg::add_offsets_to_txn_response> fenced;
    coordinator->add_offsets_to_txn(1, r, fenced.cb());
    EXPECT_EQ(fenced->error_code, error_code::invalid_producer_epoch);
}

TEST_F(txn_test, commit_writes_prepare_then_markers_then_complete) {
    auto p = init("a");
    add("a", p, {{"t", {0}}, {"u", {1}}});
    markers.answer_at_once = false;
    size_t before = log.durable.size();
    EXPECT_EQ(end("a", p, true), error_code::none);
    ASSERT_EQ(log.durable.size(), before + 1);
    EXPECT_EQ(log.last("a")->state, txn_state::prepare_commit);
    ASSERT_EQ(markers.requests.size(), 1u);
    const marker_request& m = markers.requests[0];
    EXPECT_TRUE(m.commit);
    EXPECT_EQ(m.producer_id, p.producer_id);
    EXPECT_EQ(m.producer_epoch, p.producer_epoch);
    EXPECT_EQ(m.coordinator_epoch, 7);
    EXPECT_EQ(m.partitions, (std::vector<topic_partition>{{"t", 0}, {"u", 1}}));
    // While markers are written: the same EndTxn is CONCURRENT, the other INVALID_TXN_STATE.
    EXPECT_EQ(end("a", p, true), error_code::concurrent_transactions);
    EXPECT_EQ(end("a", p, false), error_code::invalid_txn_state);
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::concurrent_transactions);
    markers.answer();
    markers.answer_at_once = true;
    auto v = log.last("a");
    EXPECT_EQ(v->state, txn_state::complete_commit);
    EXPECT_TRUE(v->partitions.empty());
    EXPECT_EQ(state("a"), "CompleteCommit");
    // A retried EndTxn after completion succeeds; the other result is INVALID_TXN_STATE.
    EXPECT_EQ(end("a", p, true), error_code::none);
    EXPECT_EQ(end("a", p, false), error_code::invalid_txn_state);
    // The next transaction.
    EXPECT_EQ(add("a", p, {{"t", {0}}}), error_code::none);
    EXPECT_EQ(end("a", p, false), error_code::none);
    EXPECT_EQ(state("a"), "CompleteAbort");
}

TEST_F(txn_test, end_txn_errors) {
    auto p = init("a");
    EXPECT_EQ(end("a", p, true), error_code::invalid_txn_state); // Empty
    EXPECT_EQ(end("nope", p, true), error_code::invalid_producer_id_mapping);
    EXPECT_EQ(end("a", pid(1, 0), true), error_code::invalid_producer_id_mapping);
    add("a", p, {{"t", {0}}});
    EXPECT_EQ(end("a", pid(1000, 3), true), error_code::producer_fenced);
    EXPECT_EQ(end("a", pid(1000, 3), true, 1), error_code::invalid_producer_epoch);
    log.fail_next = {error_code::kafka_storage_error};
    EXPECT_EQ(end("a", p, true), error_code::not_coordinator);
    EXPECT_EQ(state("a"), "Ongoing");
    EXPECT_TRUE(markers.requests.empty());
    auto v5 = end_async("a", p, true, 5);
    EXPECT_EQ(v5->error_code, error_code::none);
    EXPECT_EQ(v5->producer_id, p.producer_id);
    EXPECT_EQ(v5->producer_epoch, p.producer_epoch);
}

TEST_F(txn_test, end_txn_answers_only_once_durable) {
    auto p = init("a");
    add("a", p, {{"t", {0}}});
    log.complete_at_once = false;
    auto a = end_async("a", p, true);
    EXPECT_FALSE(a.ready());
    EXPECT_EQ(state("a"), "Ongoing");
    EXPECT_TRUE(markers.requests.empty());
    log.complete();
    ASSERT_TRUE(a.ready());
    EXPECT_EQ(a->error_code, error_code::none);
    ASSERT_EQ(markers.requests.size(), 1u);
    log.complete(); // CompleteCommit
    EXPECT_EQ(state("a"), "CompleteCommit");
}

TEST_F(txn_test, failed_markers_are_retried_and_deleted_partitions_dropped) {
    auto p = init("a");
    add("a", p, {{"t", {0}}, {"gone", {0}}});
    markers.fail_next[{"t", 0}] = {error_code::not_leader_or_follower, error_code::request_timed_out};
    markers.fail_next[{"gone", 0}] = {error_code::unknown_topic_or_partition};
    EXPECT_EQ(end("a", p, true), error_code::none);
    ASSERT_EQ(markers.requests.size(), 1u);
    EXPECT_EQ(state("a"), "PrepareCommit");
    clock.advance(config.marker_retry_backoff_ms);
    ASSERT_EQ(markers.requests.size(), 2u);
    EXPECT_EQ(markers.requests[1].partitions, (std::vector<topic_partition>{{"t", 0}}));
    EXPECT_EQ(state("a"), "PrepareCommit");
    clock.advance(config.marker_retry_backoff_ms);
    ASSERT_EQ(markers.requests.size(), 3u);
    EXPECT_EQ(state("a"), "CompleteCommit");
}

TEST_F(txn_test, fenced_markers_stop) {
    auto p = init("a");
    add("a", p, {{"t", {0}}});
    markers.fail_next[{"t", 0}] = {error_code::transaction_coordinator_fenced};
    end("a", p, true);
    clock.advance(10 * config.marker_retry_backoff_ms);
    EXPECT_EQ(markers.requests.size(), 1u);
    EXPECT_EQ(state("a"), "PrepareCommit");
}

TEST_F(txn_test, completion_write_retried_when_coordinator_not_available) {
    auto p = init("a");
    add("a", p, {{"t", {0}}});
    log.fail_next = {error_code::none, error_code::not_enough_replicas};
    EXPECT_EQ(end("a", p, true), error_code::none);
    EXPECT_EQ(state("a"), "PrepareCommit");
    EXPECT_EQ(init("a").error_code, error_code::concurrent_transactions); // completion pending
    clock.advance(config.marker_retry_backoff_ms);
    EXPECT_EQ(state("a"), "CompleteCommit");
    EXPECT_EQ(markers.requests.size(), 1u);
}

TEST_F(txn_test, v4_batches_and_verification) {
    auto p = init("a");
    add("a", p, {{"t", {0}}});
    msg::add_partitions_to_txn_request r;
    msg::add_partitions_to_txn_request::add_partitions_to_txn_transaction verify;
    verify.transactional_id = "a";
    verify.producer_id = p.producer_id;
    verify.producer_epoch = p.producer_epoch;
    verify.verify_only = true;
    msg::add_partitions_to_txn_request::add_partitions_to_txn_topic topic;
    topic.name = "t";
    topic.partitions = {model::partition_id{0}, model::partition_id{1}};
    verify.topics.push_back(topic);
    r.transactions.push_back(verify);
    auto other = verify;
    other.transactional_id = "b"; // unknown
    r.transactions.push_back(other);
    answer<msg::add_partitions_to_txn_response> a;
    coordinator->add_partitions_to_txn(5, r, a.cb());
    ASSERT_TRUE(a.ready());
    ASSERT_EQ(a->results_by_transaction.size(), 2u);
    const auto& first = a->results_by_transaction[0];
    EXPECT_EQ(first.transactional_id, "a");
    EXPECT_EQ(first.topic_results[0].results_by_partition[0].partition_error_code, error_code::none);
    EXPECT_EQ(first.topic_results[0].results_by_partition[1].partition_error_code, error_code::transaction_abortable);
    const auto& second = a->results_by_transaction[1];
    EXPECT_EQ(second.topic_results[0].results_by_partition[0].partition_error_code,
              error_code::invalid_producer_id_mapping);
    // Not verify-only: added.
    r.transactions[0].verify_only = false;
    r.transactions.pop_back();
    answer<msg::add_partitions_to_txn_response> b;
    coordinator->add_partitions_to_txn(4, r, b.cb());
    EXPECT_EQ(b->results_by_transaction[0].topic_results[0].results_by_partition[1].partition_error_code,
              error_code::none);
    EXPECT_EQ(log.last("a")->partitions.size(), 2u);
}

} // namespace
} // namespace sluice::txn::testing
