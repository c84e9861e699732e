// The log with its producer state: de-duplication across close/crash/roll/truncation,
// transaction markers, the last stable offset and the .txnindex.
#include <gtest/gtest.h>

#include "storage/log.h"
#include "storage/memory_file_system.h"
#include "storage/producer_snapshot.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;
using model::producer_epoch;
using model::producer_id;

const std::string dir = "/data/orders-0";

byte_buffer producer_batch_bytes(int64_t id, int16_t epoch, int32_t sequence, int records, bool transactional = false,
                                 size_t value_bytes = 10) {
    protocol::record_batch_builder builder({.producer_id = producer_id(id),
                                            .producer_epoch = producer_epoch(epoch),
                                            .base_sequence = sequence,
                                            .transactional = transactional});
    std::string value(value_bytes, 'v');
    for (int i = 0; i < records; ++i) builder.append({.timestamp_ms = 1000 + i, .value = as_bytes(value)});
    return builder.build().bytes;
}

class log_producers_test : public ::testing::Test {
protected:
    std::unique_ptr<log> open(log_open_options options = {}) {
        auto l = log::open(fs, dir, config, clock, options);
        EXPECT_TRUE(l.ok()) << to_string(l.error());
        return l.ok() ? std::move(*l) : nullptr;
    }

    // check_producer, then append when ok: what the Produce handler does.
    producer_check produce(log& l, int64_t id, int16_t epoch, int32_t sequence, int records,
                           bool transactional = false) {
        byte_buffer bytes = producer_batch_bytes(id, epoch, sequence, records, transactional);
        protocol::record_batch_view view{byte_view(bytes)};
        producer_check c = l.check_producer(view);
        if (c.result != producer_check_errc::ok) return c;
        auto appended = l.append(bytes, leader_epoch(0));
        EXPECT_TRUE(appended.ok());
        c.base_offset = appended->base_offset;
        c.last_offset = appended->last_offset;
        return c;
    }

    offset marker(log& l, int64_t id, int16_t epoch, bool commit, int32_t coordinator_epoch = 0) {
        auto r = l.append_marker({producer_id(id), producer_epoch(epoch), coordinator_epoch, commit}, leader_epoch(0));
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(r->error, producer_check_errc::ok);
        return r->offset;
    }

    memory_file_system fs;
    manual_clock clock{1'000'000};
    log_config config;
};

TEST_F(log_producers_test, a_retry_after_a_clean_restart_gets_its_original_offsets_from_the_snapshot) {
    auto l = open();
    ASSERT_EQ(produce(*l, 7, 0, 0, 3).base_offset, offset(0));
    ASSERT_EQ(produce(*l, 7, 0, 3, 2).base_offset, offset(3));
    ASSERT_EQ(l->close(), storage_errc::none);
    // The snapshot is at the log end: nothing is replayed at the next open.
    EXPECT_TRUE(fs.exists(dir + "/" + producer_snapshot_file_name(offset(5))));
    l = open({.clean_shutdown = true});
    producer_check retry = produce(*l, 7, 0, 3, 2);
    EXPECT_EQ(retry.result, producer_check_errc::duplicate);
    EXPECT_EQ(retry.base_offset, offset(3));
    EXPECT_EQ(retry.last_offset, offset(4));
    EXPECT_EQ(produce(*l, 7, 0, 6, 1).result, producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(produce(*l, 7, 0, 5, 1).base_offset, offset(5));
}

TEST_F(log_producers_test, after_a_crash_the_state_is_rebuilt_from_the_log) {
    auto l = open();
    for (int i = 0; i < 5; ++i) ASSERT_EQ(produce(*l, 9, 2, 4 * i, 4).result, producer_check_errc::ok);
    ASSERT_EQ(l->flush(), storage_errc::none);
    const producer_state before = l->producers();
    l.reset();
    fs.crash();
    l = open();
    EXPECT_TRUE(l->producers() == before);
    EXPECT_EQ(produce(*l, 9, 2, 8, 4).base_offset, offset(8)); // a kept batch: duplicate
    EXPECT_EQ(produce(*l, 9, 2, 8, 4).result, producer_check_errc::duplicate);
    EXPECT_EQ(produce(*l, 9, 1, 20, 1).result, producer_check_errc::invalid_producer_epoch);
}

TEST_F(log_producers_test, a_roll_writes_a_snapshot_at_the_new_segment_base_only_once_producers_exist) {
    config.segment.segment_bytes = 300;
    auto l = open();
    for (int i = 0; i < 4; ++i) {
        byte_buffer plain = make_batch(3);
        ASSERT_TRUE(l->append(plain, leader_epoch(0)).ok());
    }
    ASSERT_GT(l->segment_count(), 1u);
    EXPECT_TRUE(list_producer_snapshots(fs, dir)->empty()); // no producer: no snapshot file
    // The roll that this first producer batch may cause still happens with no producer known.
    ASSERT_EQ(produce(*l, 3, 0, 0, 3).result, producer_check_errc::ok);
    EXPECT_TRUE(list_producer_snapshots(fs, dir)->empty());
    const size_t segments = l->segment_count();
    for (int32_t sequence = 3; l->segment_count() == segments; sequence += 3)
        ASSERT_EQ(produce(*l, 3, 0, sequence, 3).result, producer_check_errc::ok);
    auto snapshots = list_producer_snapshots(fs, dir);
    ASSERT_EQ(snapshots->size(), 1u);
    EXPECT_EQ(snapshots->front(), l->segment_at(l->segment_count() - 1).base_offset());
    // A crash replays only the active segment after that snapshot, and still knows producer 3
    // (a snapshot keeps each producer's last batch only, as Kafka's does).
    ASSERT_EQ(l->flush(), storage_errc::none);
    const producer_batch_metadata last = l->producers().find(producer_id(3))->batches.back();
    l.reset();
    fs.crash();
    l = open();
    ASSERT_NE(l->producers().find(producer_id(3)), nullptr);
    EXPECT_EQ(l->producers().find(producer_id(3))->batches.back(), last);
    producer_check retry = produce(*l, 3, 0, last.first_sequence, 3);
    EXPECT_EQ(retry.result, producer_check_errc::duplicate);
    EXPECT_EQ(retry.base_offset, last.first_offset());
}

TEST_F(log_producers_test, open_transactions_hold_the_last_stable_offset_and_aborts_fill_the_txn_index) {
    auto l = open();
    byte_buffer plain = make_batch(2);
    ASSERT_TRUE(l->append(plain, leader_epoch(0)).ok());                 // 0-1, no producer
    ASSERT_EQ(produce(*l, 1, 0, 0, 2, true).base_offset, offset(2));    // 2-3, txn of 1
    ASSERT_EQ(produce(*l, 2, 0, 0, 1, true).base_offset, offset(4));    // 4, txn of 2
    EXPECT_EQ(l->last_stable_offset(), offset(2));
    // read_committed reads stop before the first open transaction.
    auto read = l->read(offset(0), 1 << 20, l->last_stable_offset());
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->range.length, make_batch(2).size());
    EXPECT_TRUE(l->read(offset(2), 1 << 20, l->last_stable_offset())->range.empty());

    EXPECT_EQ(marker(*l, 1, 0, false), offset(5)); // abort 1
    EXPECT_EQ(l->last_stable_offset(), offset(4));
    EXPECT_EQ(marker(*l, 2, 0, true), offset(6)); // commit 2
    EXPECT_EQ(l->last_stable_offset(), offset(7));
    auto aborted = l->aborted_transactions(offset(0), offset(7));
    ASSERT_TRUE(aborted.ok());
    // Producer 1's transaction: offsets 2-5; the LSO right after it: producer 2's start, 4.
    EXPECT_EQ(*aborted, (std::vector<aborted_txn>{{producer_id(1), offset(2), offset(5), offset(4)}}));
    EXPECT_TRUE(l->aborted_transactions(offset(6), offset(7))->empty());
    // A marker of an older epoch is refused, nothing appended.
    auto stale = l->append_marker({producer_id(2), producer_epoch(-1), 0, true}, leader_epoch(0));
    ASSERT_TRUE(stale.ok());
    EXPECT_EQ(stale->error, producer_check_errc::invalid_producer_epoch);
    EXPECT_EQ(l->log_end_offset(), offset(7));
    // A data batch after the transaction ended continues the sequence.
    EXPECT_EQ(produce(*l, 1, 0, 2, 1, true).base_offset, offset(7));
    EXPECT_EQ(l->last_stable_offset(), offset(7));
}

TEST_F(log_producers_test, markers_check_producer_and_coordinator_epochs) {
    auto l = open();
    ASSERT_EQ(produce(*l, 1, 3, 0, 1, true).result, producer_check_errc::ok);
    auto old_epoch = l->append_marker({producer_id(1), producer_epoch(2), 5, false}, leader_epoch(0));
    EXPECT_EQ(old_epoch->error, producer_check_errc::invalid_producer_epoch);
    EXPECT_EQ(marker(*l, 1, 4, false, 5), offset(1)); // a bumped epoch (the coordinator fenced the producer)
    auto fenced = l->append_marker({producer_id(1), producer_epoch(4), 4, true}, leader_epoch(0));
    EXPECT_EQ(fenced->error, producer_check_errc::coordinator_fenced);
    EXPECT_EQ(l->log_end_offset(), offset(2));
    // The bump forgot epoch 3's batches: epoch 3 is now fenced, epoch 4 starts a new transaction.
    EXPECT_EQ(produce(*l, 1, 3, 1, 1, true).result, producer_check_errc::invalid_producer_epoch);
    EXPECT_EQ(produce(*l, 1, 4, 0, 1, true).base_offset, offset(2));
}

TEST_F(log_producers_test, transactions_survive_restarts_and_lost_txn_index_entries_are_rebuilt) {
    auto l = open();
    ASSERT_EQ(produce(*l, 1, 0, 0, 2, true).base_offset, offset(0));
    ASSERT_EQ(produce(*l, 2, 0, 0, 2, true).base_offset, offset(2));
    EXPECT_EQ(marker(*l, 1, 0, false), offset(4));
    ASSERT_EQ(l->flush(), storage_errc::none);
    const std::vector<aborted_txn> expected{{producer_id(1), offset(0), offset(4), offset(2)}};
    // Clean restart: producer 2's transaction is still open (from the snapshot).
    ASSERT_EQ(l->close(), storage_errc::none);
    l = open({.clean_shutdown = true});
    EXPECT_EQ(l->last_stable_offset(), offset(2));
    EXPECT_EQ(*l->aborted_transactions(offset(0), offset(5)), expected);
    // A crash that loses the .txnindex (never synced) but keeps the synced .log: replay
    // rebuilds the entry.
    ASSERT_EQ(produce(*l, 3, 0, 0, 1, true).base_offset, offset(5));
    EXPECT_EQ(marker(*l, 3, 0, false), offset(6));
    ASSERT_EQ(l->segment_at(0).log_file()->fdatasync(), storage_errc::none);
    l.reset();
    fs.crash();
    l = open();
    EXPECT_EQ(l->last_stable_offset(), offset(2));
    auto all = l->aborted_transactions(offset(0), offset(7));
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0], expected[0]);
    EXPECT_EQ((*all)[1], (aborted_txn{producer_id(3), offset(5), offset(6), offset(2)}));
}

TEST_F(log_producers_test, truncation_below_a_marker_reopens_its_transaction) {
    auto l = open();
    ASSERT_EQ(produce(*l, 1, 0, 0, 2, true).base_offset, offset(0));
    EXPECT_EQ(marker(*l, 1, 0, false), offset(2));
    ASSERT_EQ(produce(*l, 4, 0, 0, 1).base_offset, offset(3));
    EXPECT_EQ(l->last_stable_offset(), offset(4));
    ASSERT_EQ(l->truncate_to(offset(2)), storage_errc::none);
    EXPECT_EQ(l->last_stable_offset(), offset(0));
    EXPECT_TRUE(l->aborted_transactions(offset(0), offset(2))->empty());
    EXPECT_EQ(l->producers().find(producer_id(4)), nullptr);
    // The retried batch of producer 4 is new again.
    EXPECT_EQ(produce(*l, 4, 0, 0, 1).base_offset, offset(2));
}

TEST_F(log_producers_test, expiry_forgets_idle_producers_but_never_an_open_transaction) {
    config.producer_id_expiration_ms = 1000;
    auto l = open();
    ASSERT_EQ(produce(*l, 1, 0, 0, 1).result, producer_check_errc::ok);
    ASSERT_EQ(produce(*l, 2, 0, 0, 1, true).result, producer_check_errc::ok);
    // The batches carry timestamps 1000..: the clock is far past them.
    EXPECT_EQ(l->expire_producers(), 1u);
    EXPECT_EQ(l->producers().find(producer_id(1)), nullptr);
    EXPECT_NE(l->producers().find(producer_id(2)), nullptr);
}

} // namespace
} // namespace sluice::storage
