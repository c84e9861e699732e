#include "storage/log.h"

#include <gtest/gtest.h>

#include "base/crc32c.h"
#include "storage/memory_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;

const std::string dir = "/data/orders-0";

class log_test : public ::testing::Test {
protected:
    void SetUp() override { batch_bytes = make_batch(3).size(); }

    std::unique_ptr<log> open(log_open_options options = {}) {
        auto l = log::open(fs, dir, config, clock, options);
        EXPECT_TRUE(l.ok()) << to_string(l.error());
        return l.ok() ? std::move(*l) : nullptr;
    }

    // Appends a 3-record batch with timestamps ts, ts+1, ts+2; keeps the patched bytes.
    append_result append(log& l, int64_t ts, int32_t epoch = 1) {
        written.push_back(make_batch(3, ts));
        auto r = l.append(written.back(), leader_epoch(epoch));
        EXPECT_TRUE(r.ok()) << to_string(r.error());
        return r.ok() ? *r : append_result{};
    }

    memory_file_system fs;
    manual_clock clock{1'000'000};
    log_config config;
    uint64_t batch_bytes = 0;
    std::vector<byte_buffer> written;
};

TEST_F(log_test, append_assigns_contiguous_offsets_and_patches_the_header) {
    auto l = open();
    EXPECT_EQ(l->log_end_offset(), offset(0));
    append_result a = append(*l, 100, 7);
    append_result b = append(*l, 200, 7);
    EXPECT_EQ(a.base_offset, offset(0));
    EXPECT_EQ(a.last_offset, offset(2));
    EXPECT_EQ(b.base_offset, offset(3));
    EXPECT_EQ(l->log_end_offset(), offset(6));
    protocol::record_batch_view second{byte_view(written[1])};
    EXPECT_EQ(second.base_offset(), offset(3));
    EXPECT_EQ(second.partition_leader_epoch(), leader_epoch(7));
    EXPECT_EQ(second.crc(), second.compute_crc());
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log"), concat(written));
    EXPECT_EQ(l->epochs().entries(), (std::vector<epoch_entry>{{leader_epoch(7), offset(0)}}));
}

TEST_F(log_test, log_append_time_replaces_the_timestamps) {
    config.log_append_time = true;
    auto l = open();
    append_result a = append(*l, 100);
    EXPECT_EQ(a.log_append_time_ms, 1'000'000);
    protocol::record_batch_view batch{byte_view(written[0])};
    EXPECT_EQ(batch.ts_type(), protocol::timestamp_type::log_append_time);
    EXPECT_EQ(batch.max_timestamp(), 1'000'000);
    EXPECT_EQ(batch.crc(), batch.compute_crc());
    EXPECT_EQ(l->offset_for_timestamp(1'000'000).value()->offset, offset(0));
}

TEST_F(log_test, read_bounds_and_ranges) {
    auto l = open();
    for (int k = 0; k < 4; ++k) append(*l, 1000 * k);
    EXPECT_EQ(l->read(offset(13), 100).error(), storage_errc::offset_out_of_range);
    EXPECT_EQ(l->read(offset(-1), 100).error(), storage_errc::offset_out_of_range);
    log_read_result at_end = l->read(offset(12), 100).value();
    EXPECT_TRUE(at_end.range.empty());
    EXPECT_EQ(at_end.log_end_offset, offset(12));
    log_read_result r = l->read(offset(4), 2 * batch_bytes).value();
    EXPECT_EQ(r.range.position, batch_bytes);
    EXPECT_EQ(r.range.length, 2 * batch_bytes);
    EXPECT_EQ(read_range(*r.range.file, r.range.position, r.range.length), concat({written[1], written[2]}));
}

TEST_F(log_test, rolls_on_segment_bytes) {
    config.segment.segment_bytes = static_cast<int32_t>(3 * batch_bytes);
    auto l = open();
    for (int k = 0; k < 7; ++k) append(*l, k);
    ASSERT_EQ(l->segment_count(), 3u);
    EXPECT_EQ(l->segment_at(1).base_offset(), offset(9));
    EXPECT_EQ(l->segment_at(2).base_offset(), offset(18));
    EXPECT_EQ(l->segment_at(0).size_bytes(), 3 * batch_bytes); // exactly full is allowed
    EXPECT_TRUE(fs.exists(dir + "/00000000000000000018.log"));
    log_read_result r = l->read(offset(10), 1 << 20).value(); // one segment per read
    EXPECT_EQ(r.range.position, 0u);
    EXPECT_EQ(r.range.length, 3 * batch_bytes);
    config.segment.segment_bytes = static_cast<int32_t>(batch_bytes - 1);
    auto small = log::open(fs, "/data/small-0", config, clock, {});
    byte_buffer big = make_batch(3);
    EXPECT_EQ((*small)->append(big, leader_epoch(0)).error(), storage_errc::batch_too_large);
}

TEST_F(log_test, rolls_on_segment_ms) {
    config.segment_ms = 100;
    auto l = open();
    append(*l, 0);
    clock.advance(100);
    append(*l, 0);
    EXPECT_EQ(l->segment_count(), 1u); // not more than segment.ms yet
    clock.advance(1);
    append(*l, 0);
    EXPECT_EQ(l->segment_count(), 2u);
    EXPECT_EQ(l->segment_at(1).base_offset(), offset(6));
}

TEST_F(log_test, segment_ms_jitter_rolls_earlier_but_never_before_ms_minus_jitter) {
    config.segment_ms = 100;
    config.segment_jitter_ms = 50;
    for (uint64_t seed = 0; seed < 20; ++seed) {
        config.jitter_seed = seed;
        memory_file_system local;
        auto l = std::move(*log::open(local, dir, config, clock, {}));
        byte_buffer b = make_batch(1);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
        clock.advance(50);
        b = make_batch(1);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
        EXPECT_EQ(l->segment_count(), 1u) << seed;
        clock.advance(51);
        b = make_batch(1);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
        EXPECT_EQ(l->segment_count(), 2u) << seed;
    }
}

TEST_F(log_test, rolls_on_a_full_index) {
    config.segment.index_interval_bytes = 1;                  // an entry for every batch but the first
    // 24 bytes: 3 offset index entries but only 2 time index entries; the first to fill rolls.
    config.segment.segment_index_bytes = 24;
    auto l = open();
    for (int k = 0; k < 4; ++k) append(*l, 1000 * k); // entries at batches 1 and 2
    ASSERT_EQ(l->segment_count(), 2u);
    EXPECT_EQ(l->segment_at(0).timestamps().size(), 2u);
    EXPECT_EQ(l->segment_at(1).base_offset(), offset(9));
}

TEST_F(log_test, rolls_when_the_relative_offset_would_overflow) {
    auto l = open();
    append(*l, 0);
    // A batch whose offsets span more than 2^31 (a leader's batch after compaction).
    byte_buffer wide = make_batch(1);
    be::store<int32_t>(wide.data() + protocol::batch_format::last_offset_delta_at, INT32_MAX);
    be::store<uint32_t>(wide.data() + protocol::batch_format::crc_at,
                        crc32c(byte_view(wide).subspan(protocol::batch_format::attributes_at)));
    auto r = l->append(wide, leader_epoch(0));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->last_offset, offset(3LL + INT32_MAX));
    ASSERT_EQ(l->segment_count(), 2u);
    EXPECT_EQ(l->segment_at(1).base_offset(), offset(3));
}

TEST_F(log_test, list_offsets_by_time_and_max_timestamp) {
    config.segment.segment_bytes = static_cast<int32_t>(2 * batch_bytes);
    auto l = open();
    append(*l, 100);
    append(*l, 5000); // the largest
    append(*l, 300);
    append(*l, 400);
    EXPECT_EQ(l->offset_for_timestamp(0).value()->offset, offset(0));
    EXPECT_EQ(l->offset_for_timestamp(102).value()->offset, offset(2));
    auto after = l->offset_for_timestamp(103).value(); // first record >= 103 is 5000 at offset 3
    EXPECT_EQ(after->offset, offset(3));
    EXPECT_EQ(after->timestamp, 5000);
    EXPECT_EQ(l->offset_for_timestamp(5003).value(), std::nullopt);
    auto max = l->max_timestamp().value();
    EXPECT_EQ(max->timestamp, 5002);
    EXPECT_EQ(max->offset, offset(5));
}

TEST_F(log_test, delete_records_moves_the_start_and_deletes_whole_segments) {
    config.segment.segment_bytes = static_cast<int32_t>(2 * batch_bytes);
    auto l = open();
    for (int k = 0; k < 5; ++k) append(*l, k, k); // segments at 0, 6, 12; epochs 0..4
    EXPECT_EQ(l->delete_records(offset(16)), storage_errc::offset_out_of_range);
    ASSERT_EQ(l->delete_records(offset(7)), storage_errc::none);
    EXPECT_EQ(l->log_start_offset(), offset(7));
    ASSERT_EQ(l->segment_count(), 2u);
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000000.log"));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000000.index"));
    EXPECT_EQ(l->read(offset(6), 100).error(), storage_errc::offset_out_of_range);
    EXPECT_EQ(l->read(offset(7), 1).value().range.position, 0u); // the batch holding 7
    EXPECT_EQ(l->epochs().entries().front(), (epoch_entry{leader_epoch(2), offset(7)}));
    ASSERT_EQ(l->delete_records(offset(15)), storage_errc::none); // the log end
    EXPECT_EQ(l->segment_count(), 1u);                            // the active one stays
    EXPECT_TRUE(l->read(offset(15), 100).value().range.empty());
}

TEST_F(log_test, truncate_to_across_segments) {
    config.segment.segment_bytes = static_cast<int32_t>(2 * batch_bytes);
    auto l = open();
    for (int k = 0; k < 5; ++k) append(*l, k, k);
    ASSERT_EQ(l->truncate_to(offset(9)), storage_errc::none);
    EXPECT_EQ(l->log_end_offset(), offset(9));
    EXPECT_EQ(l->segment_count(), 2u);
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000012.log"));
    EXPECT_EQ(l->epochs().latest_epoch(), leader_epoch(2));
    EXPECT_EQ(l->end_offset_for_epoch(leader_epoch(2)), (epoch_end_offset{leader_epoch(2), offset(9)}));
    append_result next = append(*l, 0, 9);
    EXPECT_EQ(next.base_offset, offset(9));
    ASSERT_EQ(l->truncate_to(offset(0)), storage_errc::none);
    EXPECT_EQ(l->log_end_offset(), offset(0));
    EXPECT_EQ(l->segment_count(), 1u);
    EXPECT_TRUE(l->epochs().entries().empty());
}

TEST_F(log_test, clean_close_and_reopen_scans_nothing) {
    config.segment.segment_bytes = static_cast<int32_t>(2 * batch_bytes);
    auto l = open();
    for (int k = 0; k < 5; ++k) append(*l, 1000 * k, k);
    ASSERT_EQ(l->close(), storage_errc::none);
    l.reset();
    auto reopened = open({.recovery_point = offset(15), .clean_shutdown = true});
    EXPECT_EQ(reopened->recovery_report().segments_scanned, 0);
    EXPECT_EQ(reopened->log_end_offset(), offset(15));
    EXPECT_EQ(reopened->segment_count(), 3u);
    EXPECT_EQ(reopened->max_timestamp().value()->timestamp, 4002);
    EXPECT_EQ(reopened->epochs().latest_epoch(), leader_epoch(4));
    log_read_result r = reopened->read(offset(0), 1 << 20).value();
    EXPECT_EQ(read_range(*r.range.file, r.range.position, r.range.length), concat({written[0], written[1]}));
}

TEST_F(log_test, enospc_and_eio_reach_the_caller_and_earlier_data_stays_intact) {
    auto l = open();
    for (int k = 0; k < 3; ++k) append(*l, k);
    fs.inject({.op = fs_op::write, .path_contains = ".log", .count = 1, .error = storage_errc::no_space,
               .short_write_bytes = 17});
    byte_buffer b = make_batch(3);
    EXPECT_EQ(l->append(b, leader_epoch(1)).error(), storage_errc::no_space);
    EXPECT_EQ(l->log_end_offset(), offset(9));
    fs.inject({.op = fs_op::sync, .count = 1, .error = storage_errc::io_error});
    EXPECT_EQ(l->flush(), storage_errc::io_error);
    EXPECT_EQ(l->recovery_point(), offset(0));
    log_read_result r = l->read(offset(0), 1 << 20).value();
    EXPECT_EQ(read_range(*r.range.file, r.range.position, r.range.length), concat(written));
    append(*l, 10); // the space came back
    EXPECT_EQ(l->log_end_offset(), offset(12));
    EXPECT_EQ(l->flush(), storage_errc::none);
    EXPECT_EQ(l->recovery_point(), offset(12));
}

TEST_F(log_test, eio_on_roll_is_reported_and_the_log_continues) {
    config.segment.segment_bytes = static_cast<int32_t>(batch_bytes);
    auto l = open();
    append(*l, 0);
    fs.inject({.op = fs_op::open, .path_contains = "00000000000000000003", .count = 1, .error = storage_errc::io_error});
    byte_buffer b = make_batch(3);
    EXPECT_EQ(l->append(b, leader_epoch(1)).error(), storage_errc::io_error);
    EXPECT_EQ(l->log_end_offset(), offset(3));
    append(*l, 0);
    EXPECT_EQ(l->segment_count(), 2u);
}

} // namespace
} // namespace sluice::storage
