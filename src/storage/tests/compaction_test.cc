#include "storage/compaction/log_cleaner.h"
#include "storage/compaction/log_transaction_policy.h"

#include <gtest/gtest.h>

#include <map>

#include "protocol/control_record.h"
#include "storage/memory_file_system.h"
#include "storage/tests/compaction_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;
using protocol::compression_type;

const std::string dir = "/data/compacted-0";

class compaction_test : public ::testing::Test {
protected:
    // segment.ms = 1 and the clock moved before an append that must start a segment.
    void SetUp() override { config.segment_ms = 1; }

    std::unique_ptr<log> open(log_open_options options = {}) {
        auto l = log::open(fs, dir, config, clock, options);
        EXPECT_TRUE(l.ok()) << to_string(l.error());
        return l.ok() ? std::move(*l) : nullptr;
    }

    // Appends `records` (timestamps ts, ts + 1, ...) as one batch in a new segment.
    void segment_with(log& l, const std::vector<kv>& records, int64_t ts = 1000,
                      compression_type compression = compression_type::none) {
        clock.advance(10);
        byte_buffer batch = keyed_batch(records, ts, compression);
        ASSERT_TRUE(l.append(batch, leader_epoch(1)).ok());
    }
    // Appends to the active segment.
    void batch_with(log& l, const std::vector<kv>& records, int64_t ts = 1000) {
        byte_buffer batch = keyed_batch(records, ts);
        ASSERT_TRUE(l.append(batch, leader_epoch(1)).ok());
    }

    compaction_result clean(log& l, int64_t now_ms, model::offset first_dirty = offset(0)) {
        log_cleaner cleaner(cconfig);
        auto r = cleaner.clean(l, {.first_dirty_offset = first_dirty, .now_ms = now_ms});
        EXPECT_TRUE(r.ok()) << to_string(r.error());
        return r.ok() ? *r : compaction_result{};
    }

    memory_file_system fs;
    manual_clock clock{1'000'000};
    log_config config;
    compaction_config cconfig;
};

stored_record rec(int64_t offset, std::string key, std::optional<std::string> value, int64_t ts) {
    return {offset, std::move(key), std::move(value), ts};
}

TEST_F(compaction_test, defaults_are_kafkas) {
    EXPECT_EQ(cconfig.min_cleanable_dirty_ratio, 0.5);
    EXPECT_EQ(cconfig.min_compaction_lag_ms, 0);
    EXPECT_EQ(cconfig.max_compaction_lag_ms, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(cconfig.delete_retention_ms, 86'400'000);
}

TEST_F(compaction_test, latest_value_per_key_survives_with_its_original_offset) {
    auto l = open();
    segment_with(*l, {{"k1", "a"}, {"k2", "b"}, {"k3", "x"}}, 100); // offsets 0..2
    segment_with(*l, {{"k1", "c"}}, 200);                            // 3
    segment_with(*l, {{"k4", "d"}, {"k1", "e"}}, 300);               // 4..5
    segment_with(*l, {{"k2", "f"}}, 400);                            // 6: active
    ASSERT_EQ(l->segment_count(), 4u);

    compaction_result r = clean(*l, 10'000);
    EXPECT_TRUE(r.cleaned);
    EXPECT_DOUBLE_EQ(r.range.dirty_ratio, 1.0);
    EXPECT_EQ(r.first_dirty_offset, offset(6)); // the active segment's base
    EXPECT_EQ(r.segments_cleaned, 3);
    EXPECT_EQ(r.segments_rewritten, 2); // segment 2 lost nothing: left as it is
    EXPECT_EQ(r.records_superseded, 2); // k1@0, k1@3 (k2@1 is newer than every mapped k2)
    EXPECT_EQ(r.batches_removed, 1);

    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(1, "k2", "b", 101), rec(2, "k3", "x", 102),
                                                            rec(4, "k4", "d", 300), rec(5, "k1", "e", 301),
                                                            rec(6, "k2", "f", 400)}));
    // The rebuilt batch keeps its base offset: offset deltas are unchanged.
    std::vector<byte_buffer> batches = read_batches(*l, offset(0));
    protocol::record_batch_view first(batches[0]);
    EXPECT_EQ(first.base_offset(), offset(0));
    EXPECT_EQ(first.last_offset_delta(), 2);
    EXPECT_EQ(first.records_count(), 2);
    EXPECT_EQ(first.max_timestamp(), 102);
    EXPECT_FALSE(first.has_delete_horizon());
    // Segment 1 is empty now; the log still knows it.
    EXPECT_EQ(l->segment_at(1).size_bytes(), 0u);
    EXPECT_EQ(l->log_start_offset(), offset(0));
    EXPECT_EQ(l->log_end_offset(), offset(7));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000000.log.cleaned"));
}

TEST_F(compaction_test, the_active_segment_is_never_cleaned) {
    auto l = open();
    segment_with(*l, {{"k", "a"}});
    batch_with(*l, {{"k", "b"}});
    compaction_result r = clean(*l, 10'000);
    EXPECT_FALSE(r.cleaned);
    EXPECT_EQ(r.range.dirty_bytes, 0u);
    EXPECT_EQ(read_records(*l).size(), 2u);
}

TEST_F(compaction_test, fetch_from_any_offset_returns_the_next_surviving_batch) {
    auto l = open();
    segment_with(*l, {{"a", "1"}, {"b", "1"}}); // 0..1
    segment_with(*l, {{"a", "2"}, {"b", "2"}}); // 2..3
    segment_with(*l, {{"c", "1"}, {"a", "3"}, {"b", "3"}}); // 4..6
    segment_with(*l, {{"d", "1"}});                         // 7: active
    clean(*l, 10'000);
    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(4, "c", "1", 1000), rec(5, "a", "3", 1001),
                                                            rec(6, "b", "3", 1002), rec(7, "d", "1", 1000)}));
    // Offsets 0..3 are gone (segments 0 and 1 are empty): each read starts at the batch at 4.
    for (int64_t o = 0; o <= 6; ++o) {
        std::vector<stored_record> from = read_records(*l, offset(o));
        ASSERT_EQ(from.size(), 4u) << o;
        EXPECT_EQ(from.front().offset, 4) << o;
    }
    EXPECT_EQ(read_records(*l, offset(7)).front().offset, 7);
    EXPECT_TRUE(l->read(offset(8), 1000)->range.empty());
    // ListOffsets still works over the gaps.
    EXPECT_EQ(l->offset_for_timestamp(0).value()->offset, offset(4));
}

TEST_F(compaction_test, tombstones_survive_until_the_delete_horizon_then_go) {
    cconfig.min_cleanable_dirty_ratio = 0; // any dirty byte triggers a pass
    cconfig.delete_retention_ms = 1000;
    auto l = open();
    segment_with(*l, {{"k1", "a"}, {"k2", "b"}}, 100); // 0..1
    segment_with(*l, {{"k1", std::nullopt}}, 200);     // 2: tombstone
    segment_with(*l, {{"k3", "c"}}, 300);              // 3: active

    compaction_result first = clean(*l, 50'000);
    EXPECT_EQ(first.records_superseded, 1);
    EXPECT_EQ(first.tombstones_removed, 0);
    std::vector<byte_buffer> batches = read_batches(*l, offset(2));
    protocol::record_batch_view tombstone_batch(batches[0]);
    // KIP-534: first cleaning stamps the delete horizon into base_timestamp.
    EXPECT_TRUE(tombstone_batch.has_delete_horizon());
    EXPECT_EQ(tombstone_batch.base_timestamp(), 51'000);
    EXPECT_EQ(records_of(batches[0]), (std::vector<stored_record>{{2, "k1", std::nullopt, 200}}));

    // Each later pass needs dirty data: a new segment each time.
    segment_with(*l, {{"k4", "d"}}, 400); // 4: active, 3 becomes dirty
    compaction_result second = clean(*l, 50'999, first.first_dirty_offset);
    EXPECT_TRUE(second.cleaned);
    EXPECT_EQ(second.tombstones_removed, 0);
    EXPECT_EQ(read_records(*l, offset(2)).front(), (stored_record{2, "k1", std::nullopt, 200}));

    segment_with(*l, {{"k5", "e"}}, 500); // 5: active
    compaction_result third = clean(*l, 51'000, second.first_dirty_offset);
    EXPECT_TRUE(third.cleaned);
    EXPECT_EQ(third.tombstones_removed, 1);
    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(1, "k2", "b", 101), rec(3, "k3", "c", 300),
                                                            rec(4, "k4", "d", 400), rec(5, "k5", "e", 500)}));
}

TEST_F(compaction_test, a_tombstone_keeps_shadowing_older_values_in_later_segments_of_the_clean_section) {
    // The value the tombstone deletes is removed in the same pass that stamps the horizon,
    // so removing the tombstone later cannot resurrect it.
    cconfig.min_cleanable_dirty_ratio = 0;
    cconfig.delete_retention_ms = 10;
    auto l = open();
    segment_with(*l, {{"k", "old"}}, 100);
    segment_with(*l, {{"k", std::nullopt}}, 200);
    segment_with(*l, {{"x", "1"}}, 300);
    compaction_result first = clean(*l, 1000);
    EXPECT_EQ(read_records(*l).front(), (stored_record{1, "k", std::nullopt, 200}));
    segment_with(*l, {{"y", "1"}}, 400);
    clean(*l, 2000, first.first_dirty_offset);
    for (const stored_record& r : read_records(*l)) EXPECT_NE(r.key, std::optional<std::string>("k"));
}

TEST_F(compaction_test, below_the_dirty_ratio_nothing_is_cleaned) {
    auto l = open();
    // Equal-sized one-batch segments: 3 clean after the first pass.
    segment_with(*l, {{"k1", "a"}});
    segment_with(*l, {{"k2", "a"}});
    segment_with(*l, {{"k3", "a"}});
    segment_with(*l, {{"k1", "b"}}); // active
    compaction_result first = clean(*l, 10'000);
    ASSERT_TRUE(first.cleaned);
    EXPECT_EQ(first.first_dirty_offset, offset(3));
    uint64_t b = l->segment_at(0).size_bytes();

    segment_with(*l, {{"k1", "c"}}); // segment 3 (k1=b) is dirty now: 1 of 4
    compaction_result r = clean(*l, 10'000, first.first_dirty_offset);
    EXPECT_FALSE(r.cleaned);
    EXPECT_EQ(r.range.clean_bytes, 3 * b);
    EXPECT_EQ(r.range.dirty_bytes, b);
    EXPECT_DOUBLE_EQ(r.range.dirty_ratio, 0.25);
    EXPECT_EQ(r.first_dirty_offset, offset(3));

    segment_with(*l, {{"k2", "c"}});
    segment_with(*l, {{"k3", "c"}}); // 3 dirty of 6: 0.5 is not above 0.5
    r = clean(*l, 10'000, first.first_dirty_offset);
    EXPECT_FALSE(r.cleaned);
    EXPECT_DOUBLE_EQ(r.range.dirty_ratio, 0.5);
    EXPECT_EQ(read_records(*l).size(), 7u);

    segment_with(*l, {{"k9", "c"}}); // 4 of 7
    r = clean(*l, 10'000, first.first_dirty_offset);
    EXPECT_TRUE(r.cleaned);
    EXPECT_EQ(r.first_dirty_offset, offset(7));
    EXPECT_EQ(r.records_superseded, 4); // k1@0, k1@3, k2@1, k3@2
    std::vector<stored_record> left = read_records(*l);
    ASSERT_EQ(left.size(), 4u);
    EXPECT_EQ(left.front().offset, 4);
}

TEST_F(compaction_test, min_compaction_lag_protects_recent_segments) {
    cconfig.min_compaction_lag_ms = 1000;
    auto l = open();
    segment_with(*l, {{"k", "a"}}, 100);    // old
    segment_with(*l, {{"k", "b"}}, 9'500);  // recent at now = 10'000
    segment_with(*l, {{"k", "c"}}, 9'600);  // recent
    segment_with(*l, {{"z", "1"}}, 9'700);  // active
    compaction_result r = clean(*l, 10'000);
    // Only segment 0 is cleanable; its k=a is the latest k in the map: nothing goes.
    EXPECT_TRUE(r.cleaned);
    EXPECT_EQ(r.range.first_uncleanable_segment, 1u);
    EXPECT_EQ(r.records_superseded, 0);
    EXPECT_EQ(r.first_dirty_offset, offset(1));
    EXPECT_EQ(read_records(*l).size(), 4u);

    // Later both are old enough: a and b go.
    r = clean(*l, 10'601, r.first_dirty_offset);
    EXPECT_TRUE(r.cleaned);
    EXPECT_EQ(r.records_superseded, 2);
    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(2, "k", "c", 9'600), rec(3, "z", "1", 9'700)}));
}

TEST_F(compaction_test, max_compaction_lag_forces_cleaning_below_the_ratio) {
    cconfig.min_cleanable_dirty_ratio = 1.0; // never by ratio
    cconfig.max_compaction_lag_ms = 1000;
    auto l = open();
    segment_with(*l, {{"k", "a"}}, 100);
    segment_with(*l, {{"k", "b"}}, 200);
    segment_with(*l, {{"z", "1"}}, 300); // active
    compaction_result r = clean(*l, 1100); // first dirty batch at 100: lag 1000, not above
    EXPECT_FALSE(r.cleaned);
    EXPECT_FALSE(r.range.max_lag_exceeded);
    r = clean(*l, 1101);
    EXPECT_TRUE(r.cleaned);
    EXPECT_TRUE(r.range.max_lag_exceeded);
    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(1, "k", "b", 200), rec(2, "z", "1", 300)}));
}

TEST_F(compaction_test, a_full_offset_map_ends_the_pass_at_a_segment_boundary) {
    cconfig.offset_map_keys_max = 2;
    auto l = open();
    segment_with(*l, {{"a", "1"}, {"b", "1"}}); // 0..1: fills the map
    segment_with(*l, {{"a", "2"}});             // 2: not mapped in the first pass
    segment_with(*l, {{"z", "1"}});             // 3: active
    compaction_result r = clean(*l, 10'000);
    EXPECT_TRUE(r.cleaned);
    EXPECT_EQ(r.segments_cleaned, 1);
    EXPECT_EQ(r.records_superseded, 0);
    EXPECT_EQ(r.first_dirty_offset, offset(2));
    r = clean(*l, 10'000, r.first_dirty_offset); // only segment 1 is dirty, and smaller than 0: < 0.5
    EXPECT_FALSE(r.cleaned);
    cconfig.min_cleanable_dirty_ratio = 0;
    r = clean(*l, 10'000, r.first_dirty_offset);
    EXPECT_EQ(r.records_superseded, 1); // a@0
    EXPECT_EQ(read_records(*l).front(), (stored_record{1, "b", "1", 1001}));
}

TEST_F(compaction_test, keyless_records_are_dropped) {
    auto l = open();
    segment_with(*l, {{std::nullopt, "orphan"}, {"k", "a"}});
    segment_with(*l, {{"z", "1"}});
    compaction_result r = clean(*l, 10'000);
    EXPECT_EQ(r.keyless_removed, 1);
    EXPECT_EQ(read_records(*l), (std::vector<stored_record>{rec(1, "k", "a", 1001), rec(2, "z", "1", 1000)}));
}

class compaction_codec_test : public compaction_test, public ::testing::WithParamInterface<compression_type> {};

TEST_P(compaction_codec_test, compressed_batches_are_rebuilt_with_the_same_codec) {
    auto l = open();
    segment_with(*l, {{"k1", "a"}, {"k2", "b"}, {"k3", std::string(500, 'x')}}, 100, GetParam());
    segment_with(*l, {{"k1", "c"}}, 200, GetParam());
    segment_with(*l, {{"z", "1"}}, 300, GetParam());
    clean(*l, 10'000);
    std::vector<byte_buffer> batches = read_batches(*l, offset(0));
    ASSERT_EQ(batches.size(), 3u);
    protocol::record_batch_view rebuilt(batches[0]);
    EXPECT_EQ(rebuilt.compression(), GetParam());
    EXPECT_EQ(records_of(batches[0]), (std::vector<stored_record>{rec(1, "k2", "b", 101),
                                                                 rec(2, "k3", std::string(500, 'x'), 102)}));
    // Reopened from disk, the segment reads the same.
    ASSERT_EQ(l->close(), storage_errc::none);
    l = open({.recovery_point = offset(5), .clean_shutdown = true});
    EXPECT_EQ(read_records(*l).size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(codecs, compaction_codec_test,
                         ::testing::Values(compression_type::none, compression_type::gzip, compression_type::snappy,
                                           compression_type::lz4, compression_type::zstd));

TEST_F(compaction_test, control_batches_are_kept_by_default_and_the_transaction_hook_removes_aborted_data) {
    // A policy standing in for the transactions feature: producer 7's transaction aborted.
    struct aborted_producer final : transaction_policy {
        bool is_aborted(const protocol::record_batch_view& b) override {
            return b.is_transactional() && b.producer_id() == model::producer_id(7);
        }
    } policy;
    auto l = open();
    segment_with(*l, {{"k", "committed"}});
    clock.advance(10);
    {
        protocol::record_batch_builder txn({.producer_id = model::producer_id(7), .producer_epoch = model::producer_epoch(0),
                                            .base_sequence = 0, .transactional = true});
        txn.append({.timestamp_ms = 1000, .key = as_bytes("k"), .value = as_bytes("aborted")});
        byte_buffer bytes = txn.build().bytes;
        ASSERT_TRUE(l->append(bytes, leader_epoch(1)).ok()); // 1
        protocol::record_batch_builder marker({.producer_id = model::producer_id(7), .producer_epoch = model::producer_epoch(0),
                                               .transactional = true, .control = true});
        auto key = protocol::encode_control_key(protocol::control_record_type::abort);
        auto value = protocol::encode_end_txn_marker(0);
        marker.append({.timestamp_ms = 1000, .key = byte_view(key), .value = byte_view(value)});
        bytes = marker.build().bytes;
        ASSERT_TRUE(l->append(bytes, leader_epoch(1)).ok()); // 2
    }
    segment_with(*l, {{"z", "1"}}); // active
    log_cleaner cleaner(cconfig);
    compaction_result r = cleaner.clean(*l, {.now_ms = 10'000, .transactions = &policy}).value();
    EXPECT_EQ(r.aborted_removed, 1);
    EXPECT_EQ(r.records_superseded, 0); // the aborted k did not shadow the committed one
    std::vector<byte_buffer> batches = read_batches(*l, offset(0));
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(records_of(batches[0]).front().value, std::optional<std::string>("committed"));
    EXPECT_TRUE(protocol::record_batch_view(batches[1]).is_control());
}

TEST_F(compaction_test, the_logs_aborted_transactions_never_shadow_committed_values) {
    auto l = open();
    segment_with(*l, {{"k", "v1"}}); // 0
    auto transactional = [&](int64_t producer, int32_t sequence, const std::vector<kv>& records) {
        protocol::record_batch_builder txn({.producer_id = model::producer_id(producer),
                                            .producer_epoch = model::producer_epoch(0),
                                            .base_sequence = sequence, .transactional = true});
        for (const kv& r : records) txn.append({.timestamp_ms = 1000, .key = as_bytes(*r.key), .value = as_bytes(*r.value)});
        byte_buffer bytes = txn.build().bytes;
        ASSERT_TRUE(l->append(bytes, leader_epoch(1)).ok());
    };
    auto end = [&](int64_t producer, bool commit) {
        auto r = l->append_marker({model::producer_id(producer), model::producer_epoch(0), 0, commit}, leader_epoch(1));
        ASSERT_TRUE(r.ok() && r->error == producer_check_errc::ok);
    };
    clock.advance(10);
    transactional(7, 0, {{"k", "aborted"}}); // 1, in a new segment
    end(7, false);                           // 2
    clock.advance(10);
    transactional(7, 1, {{"j", "j1"}}); // 3: the same producer's next transaction
    end(7, true);                       // 4
    segment_with(*l, {{"z", "1"}});     // 5, active
    auto policy = log_transaction_policy::load(*l);
    ASSERT_TRUE(policy.ok());
    log_cleaner cleaner(cconfig);
    compaction_result r = cleaner.clean(*l, {.now_ms = 10'000, .transactions = &*policy}).value();
    EXPECT_EQ(r.aborted_removed, 1);
    std::vector<stored_record> kept;
    for (const byte_buffer& b : read_batches(*l, offset(0)))
        if (!protocol::record_batch_view(b).is_control())
            for (const stored_record& record : records_of(b)) kept.push_back(record);
    EXPECT_EQ(kept, (std::vector<stored_record>{rec(0, "k", "v1", 1000), rec(3, "j", "j1", 1000), rec(5, "z", "1", 1000)}));
    // Both markers stay.
    int markers = 0;
    for (const byte_buffer& b : read_batches(*l, offset(0))) markers += protocol::record_batch_view(b).is_control();
    EXPECT_EQ(markers, 2);
}

TEST_F(compaction_test, many_keys_over_many_segments_keep_exactly_the_latest_and_survive_reopen) {
    auto l = open();
    std::map<std::string, stored_record> latest;
    int64_t next = 0;
    for (int s = 0; s < 12; ++s) {
        std::vector<kv> records;
        for (int i = 0; i < 7; ++i) {
            std::string key = "key" + std::to_string((s * 7 + i * 3) % 10);
            std::string value = "v" + std::to_string(next);
            records.push_back({key, value});
        }
        segment_with(*l, records, 1000 * s);
        for (int i = 0; i < 7; ++i)
            latest[*records[static_cast<size_t>(i)].key] = {next + i, records[static_cast<size_t>(i)].key,
                                                            records[static_cast<size_t>(i)].value, 1000 * s + i};
        next += 7;
    }
    segment_with(*l, {{"tail", "t"}}, 50'000); // active
    latest["tail"] = {next, "tail", "t", 50'000};
    ASSERT_TRUE(clean(*l, 100'000).cleaned);
    std::vector<stored_record> expected;
    for (auto& [key, r] : latest) expected.push_back(r);
    std::sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
    EXPECT_EQ(read_records(*l), expected);
    // Every offset reads from the first survivor at or after it (or the batch holding it).
    for (int64_t o = 0; o < l->log_end_offset().value(); ++o) {
        std::vector<stored_record> from = read_records(*l, offset(o));
        ASSERT_FALSE(from.empty());
        auto survivor = std::find_if(expected.begin(), expected.end(), [&](auto& r) { return r.offset >= o; });
        EXPECT_TRUE(std::find(from.begin(), from.end(), *survivor) != from.end()) << o;
        EXPECT_LE(from.back().offset, expected.back().offset);
    }
    ASSERT_EQ(l->close(), storage_errc::none);
    l = open({.recovery_point = l ? offset(next + 1) : offset(0), .clean_shutdown = true});
    EXPECT_EQ(read_records(*l), expected);
    // A second pass with nothing dirty does nothing.
    EXPECT_FALSE(clean(*l, 100'000, offset(next)).cleaned);
}

} // namespace
} // namespace sluice::storage
