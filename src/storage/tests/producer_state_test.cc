#include "storage/producer_state.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/crc32c.h"
#include "protocol/record_batch_builder.h"
#include "storage/memory_file_system.h"

namespace sluice::storage {
namespace {

using model::offset;
using model::producer_epoch;
using model::producer_id;

constexpr int32_t seq_max = std::numeric_limits<int32_t>::max();
const std::string dir = "/data/t-0";

producer_batch batch_of(int64_t id, int16_t epoch, int32_t base_sequence, int32_t records, bool transactional = false) {
    return {.producer_id = producer_id(id),
            .epoch = producer_epoch(epoch),
            .base_sequence = base_sequence,
            .last_sequence = increment_sequence(base_sequence, records - 1),
            .is_transactional = transactional};
}

// A partition's append path in miniature: check, then append at the log end and update.
struct partition {
    producer_state state;
    int64_t next = 0;

    producer_check produce(const producer_batch& batch, int32_t records, int64_t timestamp_ms = 1000) {
        producer_check result = state.check(batch);
        if (result.result != producer_check_errc::ok) return result;
        state.update(batch, offset(next), offset(next + records - 1), timestamp_ms);
        result.base_offset = offset(next);
        result.last_offset = offset(next + records - 1);
        next += records;
        return result;
    }
};

producer_check_errc code(const producer_check& c) { return c.result; }

TEST(producer_state, each_of_the_last_five_batches_is_answered_with_its_original_offsets) {
    partition p;
    std::vector<producer_check> originals;
    for (int i = 0; i < 5; ++i) originals.push_back(p.produce(batch_of(7, 0, 3 * i, 3), 3, 1000 + i));
    for (int i = 0; i < 5; ++i) {
        producer_check retry = p.state.check(batch_of(7, 0, 3 * i, 3));
        ASSERT_EQ(code(retry), producer_check_errc::duplicate) << i;
        EXPECT_EQ(retry.base_offset, originals[i].base_offset);
        EXPECT_EQ(retry.last_offset, originals[i].last_offset);
        EXPECT_EQ(retry.timestamp_ms, 1000 + i);
    }
    EXPECT_EQ(code(p.produce(batch_of(7, 0, 15, 3), 3)), producer_check_errc::ok);
}

TEST(producer_state, a_retry_older_than_the_five_kept_is_out_of_order) {
    partition p;
    for (int i = 0; i < 6; ++i) ASSERT_EQ(code(p.produce(batch_of(7, 0, 2 * i, 2), 2)), producer_check_errc::ok);
    // Kafka 4.0 answers OUT_OF_ORDER_SEQUENCE_NUMBER (0.11-1.x had DUPLICATE_SEQUENCE_NUMBER).
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 0, 2))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 2, 2))), producer_check_errc::duplicate);
    EXPECT_EQ(p.state.find(producer_id(7))->batches.size(), producer_batches_retained);
}

TEST(producer_state, gaps_and_partial_overlaps_are_out_of_order) {
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(7, 0, 0, 5), 5)), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 6, 1))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 0, 3))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 4, 2))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 5, 1))), producer_check_errc::ok);
}

TEST(producer_state, a_new_producer_may_start_at_any_sequence_since_kip_360) {
    partition p;
    EXPECT_EQ(code(p.produce(batch_of(7, 3, 42, 2), 2)), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check(batch_of(7, 3, 45, 1))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(p.state.check(batch_of(7, 3, 44, 1))), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check({.producer_id = model::no_producer_id})), producer_check_errc::ok);
}

TEST(producer_state, an_older_epoch_is_fenced) {
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(7, 5, 0, 2), 2)), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check(batch_of(7, 4, 2, 1))), producer_check_errc::invalid_producer_epoch);
    EXPECT_EQ(code(p.state.check(batch_of(7, 4, 0, 2))), producer_check_errc::invalid_producer_epoch);
}

TEST(producer_state, an_epoch_bump_restarts_the_sequence_at_zero) {
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(7, 5, 0, 10), 10)), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check(batch_of(7, 6, 10, 1))), producer_check_errc::out_of_order_sequence);
    ASSERT_EQ(code(p.produce(batch_of(7, 6, 0, 2), 2)), producer_check_errc::ok);
    const producer_entry* entry = p.state.find(producer_id(7));
    EXPECT_EQ(entry->epoch, producer_epoch(6));
    ASSERT_EQ(entry->batches.size(), 1u); // the old epoch's batches are forgotten
    EXPECT_EQ(code(p.state.check(batch_of(7, 5, 0, 10))), producer_check_errc::invalid_producer_epoch);
    EXPECT_EQ(code(p.state.check(batch_of(7, 6, 0, 2))), producer_check_errc::duplicate);
    EXPECT_EQ(code(p.state.check(batch_of(7, 6, 2, 1))), producer_check_errc::ok);
}

TEST(producer_state, sequences_wrap_at_int32_max) {
    EXPECT_EQ(increment_sequence(seq_max - 1, 2), 0);
    EXPECT_EQ(increment_sequence(seq_max, 1), 0);
    EXPECT_EQ(decrement_sequence(0, 2), seq_max - 1);
    EXPECT_EQ(decrement_sequence(5, 2), 3);

    partition p;
    ASSERT_EQ(code(p.produce(batch_of(7, 0, seq_max - 3, 2), 2)), producer_check_errc::ok); // .. max-2
    ASSERT_EQ(code(p.produce(batch_of(7, 0, seq_max - 1, 3), 3)), producer_check_errc::ok); // max-1, max, 0
    EXPECT_EQ(p.state.find(producer_id(7))->batches.back().first_sequence, seq_max - 1);
    EXPECT_EQ(p.state.find(producer_id(7))->last_sequence(), 0);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, seq_max - 1, 3))), producer_check_errc::duplicate);
    ASSERT_EQ(code(p.produce(batch_of(7, 0, 1, 1), 1)), producer_check_errc::ok);

    partition q; // a batch ending exactly at max is followed by 0
    ASSERT_EQ(code(q.produce(batch_of(8, 0, seq_max - 1, 2), 2)), producer_check_errc::ok);
    EXPECT_EQ(code(q.state.check(batch_of(8, 0, 0, 1))), producer_check_errc::ok);
}

TEST(producer_state, a_non_transactional_batch_inside_a_transaction_is_refused) {
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(7, 0, 0, 1, true), 1)), producer_check_errc::ok);
    EXPECT_EQ(p.state.find(producer_id(7))->current_txn_first_offset, offset(0));
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 1, 1, false))), producer_check_errc::invalid_txn_state);
    EXPECT_EQ(code(p.state.check(batch_of(7, 0, 1, 1, true))), producer_check_errc::ok);
}

TEST(producer_state, idle_producers_expire_but_not_in_a_transaction) {
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(1, 0, 0, 1), 1, 1000)), producer_check_errc::ok);
    ASSERT_EQ(code(p.produce(batch_of(2, 0, 0, 1), 1, 5000)), producer_check_errc::ok);
    ASSERT_EQ(code(p.produce(batch_of(3, 0, 0, 1, true), 1, 1000)), producer_check_errc::ok);
    const int64_t expiration = producer_id_expiration_ms_default;
    EXPECT_EQ(p.state.expire(1000 + expiration - 1, expiration), 0u);
    EXPECT_EQ(p.state.expire(1000 + expiration, expiration), 1u);
    EXPECT_EQ(p.state.find(producer_id(1)), nullptr);
    EXPECT_NE(p.state.find(producer_id(2)), nullptr);
    EXPECT_NE(p.state.find(producer_id(3)), nullptr);
    // An expired producer is a new one again: any sequence is accepted.
    EXPECT_EQ(code(p.state.check(batch_of(1, 0, 0, 1))), producer_check_errc::ok);
    EXPECT_EQ(code(p.state.check(batch_of(1, 0, 9, 1))), producer_check_errc::ok);
}

// --- snapshots ------------------------------------------------------------------------

void put64(byte_buffer& b, int64_t v) {
    for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
}
void put32(byte_buffer& b, int32_t v) {
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * i)));
}
void put16(byte_buffer& b, int16_t v) {
    b.push_back(static_cast<uint8_t>(static_cast<uint16_t>(v) >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

TEST(producer_state_snapshot, written_file_is_kafkas_version_1_byte_for_byte) {
    partition p;
    p.next = 100;
    ASSERT_EQ(code(p.produce(batch_of(9, 2, 0, 3), 3, 5555)), producer_check_errc::ok);  // 100..102
    ASSERT_EQ(code(p.produce(batch_of(4, 0, 10, 2, true), 2, 7777)), producer_check_errc::ok); // 103..104
    ASSERT_EQ(code(p.produce(batch_of(9, 2, 3, 1), 1, 6666)), producer_check_errc::ok);  // 105

    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    ASSERT_EQ(p.state.write_snapshot(fs, dir), storage_errc::none);

    byte_buffer expected;
    put16(expected, 1);  // version
    put32(expected, 0);  // crc, below
    put32(expected, 2);  // entries, by producer id
    put64(expected, 4);  // producer id
    put16(expected, 0);  // epoch
    put32(expected, 11); // last sequence
    put64(expected, 104); // last offset
    put32(expected, 1);  // offset delta
    put64(expected, 7777); // timestamp
    put32(expected, -1); // coordinator epoch
    put64(expected, 103); // current txn first offset
    put64(expected, 9);
    put16(expected, 2);
    put32(expected, 3);
    put64(expected, 105);
    put32(expected, 0);
    put64(expected, 6666);
    put32(expected, -1);
    put64(expected, -1);
    ASSERT_EQ(expected.size(), 10u + 2 * 46);
    const uint32_t crc = crc32c(byte_view(expected).subspan(6));
    for (int i = 0; i < 4; ++i) expected[2 + i] = static_cast<uint8_t>(crc >> (8 * (3 - i)));

    EXPECT_EQ(fs.contents(dir + "/00000000000000000106.snapshot"), expected);
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000106.snapshot.tmp"));

    auto loaded = producer_state::load(fs, dir, offset(0), offset(106), 8000, producer_id_expiration_ms_default);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->map_end_offset(), offset(106));
    EXPECT_EQ(loaded->snapshot_entries(), p.state.snapshot_entries());
    // Only the last batch survives a snapshot: it is still a duplicate, the one before is not.
    EXPECT_EQ(code(loaded->check(batch_of(9, 2, 3, 1))), producer_check_errc::duplicate);
    EXPECT_EQ(loaded->check(batch_of(9, 2, 3, 1)).base_offset, offset(105));
    EXPECT_EQ(code(loaded->check(batch_of(9, 2, 0, 3))), producer_check_errc::out_of_order_sequence);
    EXPECT_EQ(code(loaded->check(batch_of(9, 2, 4, 1))), producer_check_errc::ok);
    EXPECT_EQ(loaded->find(producer_id(4))->current_txn_first_offset, offset(103));
}

TEST(producer_state_snapshot, unchanged_state_writes_no_new_snapshot) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    partition p;
    ASSERT_EQ(code(p.produce(batch_of(1, 0, 0, 1), 1)), producer_check_errc::ok);
    ASSERT_EQ(p.state.write_snapshot(fs, dir), storage_errc::none);
    fs.inject({.op = fs_op::open});
    EXPECT_EQ(p.state.write_snapshot(fs, dir), storage_errc::none); // nothing to write
    ASSERT_EQ(code(p.produce(batch_of(1, 0, 1, 1), 1)), producer_check_errc::ok);
    EXPECT_EQ(p.state.write_snapshot(fs, dir), storage_errc::io_error);
    fs.clear_faults();
    EXPECT_EQ(*list_producer_snapshots(fs, dir), std::vector<offset>{offset(1)});
    EXPECT_EQ(p.state.write_snapshot(fs, dir), storage_errc::none); // retried after the failure
    EXPECT_EQ(*list_producer_snapshots(fs, dir), (std::vector<offset>{offset(1), offset(2)}));
}

TEST(producer_state_snapshot, a_failed_write_leaves_no_snapshot) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    fs.inject({.op = fs_op::write, .short_write_bytes = 7});
    std::vector<producer_snapshot_entry> entries{{.producer_id = producer_id(1), .epoch = producer_epoch(0)}};
    EXPECT_EQ(write_producer_snapshot(fs, dir, offset(5), entries), storage_errc::io_error);
    fs.clear_faults();
    EXPECT_TRUE(list_producer_snapshots(fs, dir)->empty());
    auto loaded = load_latest_producer_snapshot(fs, dir, offset(5)); // deletes the .tmp
    ASSERT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded->has_value());
    EXPECT_TRUE(fs.list_dir(dir)->empty());
}

TEST(producer_state_snapshot, corrupt_snapshots_are_deleted_and_an_older_one_used) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    std::vector<producer_snapshot_entry> old{{.producer_id = producer_id(1), .epoch = producer_epoch(0),
                                              .last_sequence = 0, .last_offset = offset(9), .timestamp_ms = 1}};
    std::vector<producer_snapshot_entry> newer{{.producer_id = producer_id(1), .epoch = producer_epoch(0),
                                                .last_sequence = 1, .last_offset = offset(19), .timestamp_ms = 2}};
    ASSERT_EQ(write_producer_snapshot(fs, dir, offset(10), old), storage_errc::none);
    const byte_buffer good = encode_producer_snapshot(newer);

    std::vector<byte_buffer> bad;
    bad.push_back(good);
    bad.back()[20] ^= 1; // a flipped bit under the CRC
    bad.push_back(good);
    bad.back()[1] = 2; // an unknown version
    bad.push_back(byte_buffer(good.begin(), good.end() - 1)); // short
    bad.push_back(good);
    bad.back().push_back(0); // trailing byte (breaks the CRC too)
    bad.push_back({});
    for (const byte_buffer& bytes : bad) {
        fs.set_contents(dir + "/00000000000000000020.snapshot", bytes);
        auto loaded = load_latest_producer_snapshot(fs, dir, offset(30));
        ASSERT_TRUE(loaded.ok());
        ASSERT_TRUE(loaded->has_value());
        EXPECT_EQ((*loaded)->offset, offset(10));
        EXPECT_EQ((*loaded)->entries, old);
        EXPECT_FALSE(fs.exists(dir + "/00000000000000000020.snapshot"));
    }
    fs.set_contents(dir + "/00000000000000000020.snapshot", good);
    EXPECT_EQ((*load_latest_producer_snapshot(fs, dir, offset(30)))->entries, newer);
}

TEST(producer_state_snapshot, truncation_and_retention_delete_snapshots) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    for (int64_t o : {10, 20, 30, 40}) ASSERT_EQ(write_producer_snapshot(fs, dir, offset(o), {}), storage_errc::none);
    ASSERT_EQ(delete_producer_snapshots_above(fs, dir, offset(30)), storage_errc::none);
    EXPECT_EQ(*list_producer_snapshots(fs, dir), (std::vector<offset>{offset(10), offset(20), offset(30)}));
    ASSERT_EQ(delete_producer_snapshots_below(fs, dir, offset(20)), storage_errc::none);
    EXPECT_EQ(*list_producer_snapshots(fs, dir), (std::vector<offset>{offset(20), offset(30)}));
    // Load with the log end at 25 (a truncated tail): the snapshot at 30 goes.
    auto loaded = producer_state::load(fs, dir, offset(0), offset(25), 0, producer_id_expiration_ms_default);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->map_end_offset(), offset(20));
    EXPECT_EQ(*list_producer_snapshots(fs, dir), std::vector<offset>{offset(20)});
    // A snapshot below the log start is not used: the log is replayed from the log start.
    auto above_start = producer_state::load(fs, dir, offset(22), offset(25), 0, producer_id_expiration_ms_default);
    ASSERT_TRUE(above_start.ok());
    EXPECT_EQ(above_start->map_end_offset(), offset(22));
    // Nothing at all: empty at the log start.
    memory_file_system empty;
    ASSERT_EQ(empty.mkdir(dir), storage_errc::none);
    EXPECT_EQ(producer_state::load(empty, dir, offset(3), offset(9), 0, 1)->map_end_offset(), offset(3));
}

TEST(producer_state_snapshot, expired_producers_are_dropped_at_load) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    std::vector<producer_snapshot_entry> entries{
        {.producer_id = producer_id(1), .epoch = producer_epoch(0), .timestamp_ms = 100},
        {.producer_id = producer_id(2), .epoch = producer_epoch(0), .timestamp_ms = 900},
        {.producer_id = producer_id(3), .epoch = producer_epoch(0), .timestamp_ms = 100,
         .current_txn_first_offset = offset(4)}};
    ASSERT_EQ(write_producer_snapshot(fs, dir, offset(10), entries), storage_errc::none);
    auto loaded = producer_state::load(fs, dir, offset(0), offset(10), 1000, 500);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->producer_count(), 2u);
    EXPECT_EQ(loaded->find(producer_id(1)), nullptr);
}

// --- rebuild from the log --------------------------------------------------------------

byte_buffer log_batch(int64_t base_offset, int64_t id, int16_t epoch, int32_t base_sequence, int records,
                      int64_t timestamp_ms, bool transactional = false) {
    protocol::record_batch_builder builder({.base_offset = offset(base_offset),
                                            .producer_id = producer_id(id),
                                            .producer_epoch = producer_epoch(epoch),
                                            .base_sequence = base_sequence,
                                            .transactional = transactional});
    for (int i = 0; i < records; ++i)
        builder.append({.timestamp_ms = timestamp_ms + i, .value = as_bytes("v")});
    return std::move(builder.build().bytes);
}

TEST(producer_state_rebuild, replaying_the_log_gives_the_live_state) {
    // Three producers interleaved, an epoch bump, a wrap, a plain batch without producer id.
    struct step {
        int64_t id;
        int16_t epoch;
        int32_t base_sequence;
        int records;
    };
    std::vector<step> steps;
    for (int i = 0; i < 8; ++i) steps.push_back({1, 0, 2 * i, 2});
    for (int i = 0; i < 3; ++i) steps.push_back({2, 4, increment_sequence(seq_max - 5, 3 * i), 3});
    steps.push_back({3, 0, 0, 1});
    steps.push_back({1, 1, 0, 4});
    steps.push_back({-1, -1, -1, 2});
    steps.push_back({3, 0, 1, 1});

    partition live;
    std::vector<byte_buffer> log;
    for (const step& s : steps) {
        byte_buffer bytes = log_batch(live.next, s.id, s.epoch, s.base_sequence, s.records, 1000 + live.next);
        protocol::record_batch_view view(bytes);
        const producer_batch batch = producer_batch::of(view);
        ASSERT_EQ(code(live.produce(batch, s.records, view.max_timestamp())), producer_check_errc::ok);
        log.push_back(std::move(bytes));
    }

    producer_state replayed;
    for (const byte_buffer& bytes : log) replayed.replay_batch(protocol::record_batch_view(bytes));
    EXPECT_EQ(replayed, live.state);
    EXPECT_EQ(replayed.map_end_offset(), offset(live.next));

    // Snapshot in the middle, then replay the tail: same snapshot entries and same answers.
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
    producer_state half;
    const size_t cut = 10;
    for (size_t i = 0; i < cut; ++i) half.replay_batch(protocol::record_batch_view(log[i]));
    ASSERT_EQ(half.write_snapshot(fs, dir), storage_errc::none);
    auto recovered = producer_state::load(fs, dir, offset(0), offset(live.next), 2000, producer_id_expiration_ms_default);
    ASSERT_TRUE(recovered.ok());
    ASSERT_EQ(recovered->map_end_offset(), half.map_end_offset());
    for (size_t i = cut; i < log.size(); ++i) recovered->replay_batch(protocol::record_batch_view(log[i]));
    EXPECT_EQ(recovered->snapshot_entries(), live.state.snapshot_entries());
    for (const producer_batch& next : {batch_of(1, 1, 4, 1), batch_of(1, 1, 0, 4), batch_of(2, 4, 0, 3),
                                       batch_of(2, 4, 3, 1), batch_of(3, 0, 2, 1), batch_of(1, 0, 16, 1)}) {
        EXPECT_EQ(code(recovered->check(next)), code(live.state.check(next)))
            << next.producer_id.value() << " " << next.base_sequence;
    }
    // The one difference, as in Kafka: a snapshot keeps each producer's last batch only, so a
    // retry of an older batch from before the snapshot is no longer recognised.
    EXPECT_EQ(code(live.state.check(batch_of(2, 4, seq_max - 5, 3))), producer_check_errc::duplicate);
    EXPECT_EQ(code(recovered->check(batch_of(2, 4, seq_max - 5, 3))), producer_check_errc::out_of_order_sequence);
}

} // namespace
} // namespace sluice::storage
