#include "storage/retention.h"

#include <gtest/gtest.h>

#include "storage/memory_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;

const std::string dir = "/data/orders-0";

// One 3-record batch per segment: segment k holds offsets [3k, 3k + 2].
class retention_test : public ::testing::Test {
protected:
    void SetUp() override {
        batch_bytes = make_batch(3).size();
        config.segment.segment_bytes = static_cast<int32_t>(batch_bytes);
    }

    std::unique_ptr<log> open(log_open_options options = {}) {
        auto l = log::open(fs, dir, config, clock, options);
        EXPECT_TRUE(l.ok()) << to_string(l.error());
        return l.ok() ? std::move(*l) : nullptr;
    }

    // Segments with max timestamps ts + 2 for each ts given.
    std::unique_ptr<log> open_with_batches(std::initializer_list<int64_t> timestamps) {
        auto l = open();
        for (int64_t ts : timestamps) {
            byte_buffer batch = make_batch(3, ts);
            EXPECT_TRUE(l->append(batch, leader_epoch(1)).ok());
        }
        EXPECT_EQ(l->segment_count(), timestamps.size());
        return l;
    }

    retention_result run(log& l, retention_config rc, int64_t now_ms) {
        auto r = apply_retention(l, rc, now_ms);
        EXPECT_TRUE(r.ok()) << to_string(r.error());
        return r.ok() ? *r : retention_result{};
    }

    memory_file_system fs;
    manual_clock clock{1'000'000};
    log_config config;
    uint64_t batch_bytes = 0;
};

TEST_F(retention_test, defaults_are_kafkas) {
    retention_config rc;
    EXPECT_EQ(rc.retention_ms, 604'800'000);
    EXPECT_EQ(rc.retention_bytes, -1);
    EXPECT_TRUE(rc.delete_enabled);
    EXPECT_EQ(retention_defaults::retention_check_interval_ms, 300'000);
}

TEST_F(retention_test, by_time_deletes_segments_whose_largest_timestamp_is_older_than_retention_ms) {
    auto l = open_with_batches({1000, 2000, 3000, 4000});
    // now - 1002 and now - 2002 exceed 1000; now - 3002 = 498 does not.
    retention_result r = run(*l, {.retention_ms = 1000}, 3500);
    EXPECT_EQ(r.segments_deleted, 2);
    EXPECT_EQ(r.deleted_by_time, 2);
    EXPECT_EQ(r.bytes_deleted, 2 * batch_bytes);
    EXPECT_EQ(r.log_start_offset, offset(6));
    EXPECT_EQ(l->log_start_offset(), offset(6));
    EXPECT_EQ(l->segment_count(), 2u);
    EXPECT_EQ(l->segment_at(0).base_offset(), offset(6));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000000.log"));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000003.index"));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000003.timeindex"));
    EXPECT_TRUE(fs.exists(dir + "/00000000000000000006.log"));
    EXPECT_EQ(l->read(offset(5), 1000).error(), storage_errc::offset_out_of_range);
    EXPECT_EQ(l->read(offset(6), 1000)->range.length, batch_bytes);
}

TEST_F(retention_test, time_boundary_is_strictly_greater) {
    auto l = open_with_batches({1000, 2000});
    EXPECT_EQ(run(*l, {.retention_ms = 1000}, 2002).segments_deleted, 0); // 2002 - 1002 == 1000
    EXPECT_EQ(run(*l, {.retention_ms = 1000}, 2003).segments_deleted, 1);
}

TEST_F(retention_test, stops_at_the_first_segment_that_must_stay) {
    // The second segment is old, but the first one is not: Kafka deletes a prefix only.
    auto l = open_with_batches({5000, 1000, 6000});
    retention_result r = run(*l, {.retention_ms = 1000}, 5500);
    EXPECT_EQ(r.segments_deleted, 0);
    EXPECT_EQ(l->log_start_offset(), offset(0));
}

TEST_F(retention_test, never_deletes_the_active_segment) {
    auto l = open_with_batches({1000, 2000, 3000, 4000});
    retention_result r = run(*l, {.retention_ms = 0, .retention_bytes = 0}, 1'000'000'000);
    EXPECT_EQ(r.segments_deleted, 3);
    EXPECT_EQ(l->segment_count(), 1u);
    EXPECT_EQ(l->log_start_offset(), offset(9));
    EXPECT_EQ(l->log_end_offset(), offset(12));
    EXPECT_EQ(l->read(offset(9), 1000)->range.length, batch_bytes);
    EXPECT_EQ(run(*l, {.retention_ms = 0, .retention_bytes = 0}, 1'000'000'000).segments_deleted, 0);
    // Appends continue after the deleted prefix.
    byte_buffer batch = make_batch(3, 5000);
    EXPECT_EQ(l->append(batch, leader_epoch(1))->base_offset, offset(12));
}

TEST_F(retention_test, by_size_deletes_while_total_minus_oldest_is_at_least_retention_bytes) {
    auto l = open_with_batches({1000, 2000, 3000, 4000}); // 4 segments of batch_bytes
    // 4B - B >= 2B: delete; 3B - B >= 2B: delete; 2B - B < 2B: keep.
    retention_result r = run(*l, {.retention_ms = -1, .retention_bytes = static_cast<int64_t>(2 * batch_bytes)}, 0);
    EXPECT_EQ(r.segments_deleted, 2);
    EXPECT_EQ(r.deleted_by_size, 2);
    EXPECT_EQ(r.bytes_deleted, 2 * batch_bytes);
    EXPECT_EQ(r.log_start_offset, offset(6));
}

TEST_F(retention_test, by_size_one_byte_more_keeps_one_more_segment) {
    auto l = open_with_batches({1000, 2000, 3000, 4000});
    retention_result r = run(*l, {.retention_ms = -1, .retention_bytes = static_cast<int64_t>(2 * batch_bytes + 1)}, 0);
    EXPECT_EQ(r.segments_deleted, 1);
    EXPECT_EQ(r.log_start_offset, offset(3));
}

TEST_F(retention_test, infinite_retention_deletes_nothing) {
    auto l = open_with_batches({1000, 2000, 3000});
    retention_result r = run(*l, {.retention_ms = -1, .retention_bytes = -1}, 1'000'000'000'000);
    EXPECT_EQ(r.segments_deleted, 0);
    EXPECT_EQ(r.log_start_offset, offset(0));
    EXPECT_EQ(l->segment_count(), 3u);
}

TEST_F(retention_test, compact_only_policy_ignores_time_and_size) {
    auto l = open_with_batches({1000, 2000, 3000});
    retention_result r = run(*l, {.retention_ms = 0, .retention_bytes = 0, .delete_enabled = false}, 1'000'000);
    EXPECT_EQ(r.segments_deleted, 0);
}

TEST_F(retention_test, deletes_segments_wholly_below_the_log_start_offset) {
    {
        auto l = open_with_batches({1000, 2000, 3000, 4000});
        ASSERT_EQ(l->close(), storage_errc::none);
    }
    // Reopened with a log start offset from its checkpoint (DeleteRecords to 7 before a restart).
    auto l = open({.recovery_point = offset(12), .log_start_offset = offset(7), .clean_shutdown = true});
    ASSERT_EQ(l->segment_count(), 4u);
    EXPECT_EQ(l->log_start_offset(), offset(7));
    // Even with a compact-only policy: segments [0, 3) and [3, 6) are below 7; [6, 9) holds 7.
    retention_result r = run(*l, {.delete_enabled = false}, 0);
    EXPECT_EQ(r.segments_deleted, 2);
    EXPECT_EQ(r.deleted_below_log_start, 2);
    EXPECT_EQ(r.log_start_offset, offset(7)); // never moved backwards to the segment base 6
    EXPECT_EQ(l->segment_at(0).base_offset(), offset(6));
}

TEST_F(retention_test, reasons_combine_in_one_run_and_survive_a_reopen) {
    auto l = open_with_batches({1000, 2000, 9000, 9500, 9800});
    ASSERT_EQ(l->delete_records(offset(2)), storage_errc::none); // inside segment 0: it stays
    // Segment 1 goes by time (now - 2002 > 5000); segments 2..3 by size.
    retention_result r = run(*l, {.retention_ms = 5000, .retention_bytes = static_cast<int64_t>(batch_bytes)}, 8000);
    EXPECT_EQ(r.segments_deleted, 4);
    EXPECT_EQ(r.deleted_by_time, 2);
    EXPECT_EQ(r.deleted_by_size, 2);
    EXPECT_EQ(r.log_start_offset, offset(12));
    ASSERT_EQ(l->close(), storage_errc::none);
    auto reopened = open({.recovery_point = offset(15), .log_start_offset = r.log_start_offset, .clean_shutdown = true});
    EXPECT_EQ(reopened->segment_count(), 1u);
    EXPECT_EQ(reopened->log_start_offset(), offset(12));
    EXPECT_EQ(reopened->log_end_offset(), offset(15));
}

TEST_F(retention_test, a_failed_delete_reaches_the_caller_and_keeps_the_rest) {
    auto l = open_with_batches({1000, 2000, 3000});
    fs.inject({.op = fs_op::remove, .path_contains = "00000000000000000003", .count = 1});
    auto r = apply_retention(*l, {.retention_ms = 0}, 1'000'000);
    EXPECT_EQ(r.error(), storage_errc::io_error);
    EXPECT_EQ(l->log_start_offset(), offset(3)); // segment 0 went
    EXPECT_EQ(run(*l, {.retention_ms = 0}, 1'000'000).segments_deleted, 1);
    EXPECT_EQ(l->log_start_offset(), offset(6));
}

} // namespace
} // namespace sluice::storage
