// Crash recovery: memory_file_system::crash() drops what was not synced (optionally leaving
// a torn prefix of it), then the log is reopened as after a power loss.
#include <gtest/gtest.h>

#include <random>

#include "storage/log.h"
#include "storage/memory_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;

const std::string dir = "/data/orders-0";

// Every batch in the log, read back through log::read, in order.
std::vector<byte_buffer> read_all(log& l) {
    std::vector<byte_buffer> out;
    for (offset at = l.log_start_offset(); at < l.log_end_offset();) {
        log_read_result r = l.read(at, 1 << 20).value();
        if (r.range.empty()) break;
        byte_buffer bytes = read_range(*r.range.file, r.range.position, r.range.length);
        std::vector<protocol::record_batch_view> batches;
        EXPECT_EQ(protocol::split_batches(bytes, batches).error, protocol::batch_error::none);
        for (const auto& b : batches) {
            EXPECT_EQ(b.crc(), b.compute_crc());
            out.emplace_back(b.bytes().begin(), b.bytes().end());
            at = model::offset(b.base_offset().value() + b.last_offset_delta() + 1);
        }
    }
    return out;
}

TEST(recovery, torn_tail_after_the_last_sync_is_cut) {
    memory_file_system fs;
    manual_clock clock;
    std::vector<byte_buffer> written;
    auto l = std::move(*log::open(fs, dir, {}, clock, {}));
    for (int k = 0; k < 10; ++k) {
        written.push_back(make_batch(3, k));
        ASSERT_TRUE(l->append(written.back(), leader_epoch(0)).ok());
        if (k == 5) {
            ASSERT_EQ(l->flush(), storage_errc::none);
        }
    }
    const uint64_t synced_bytes = concat({written.begin(), written.begin() + 6}).size();
    fs.crash(37); // 37 bytes of batch 6 reached the disk
    l.reset();
    auto reopened = std::move(*log::open(fs, dir, {}, clock, {.recovery_point = offset(18)}));
    const log_recovery_report& report = reopened->recovery_report();
    EXPECT_EQ(report.segments_scanned, 1);
    EXPECT_EQ(report.batches_scanned, 6);
    EXPECT_EQ(report.bytes_truncated, 37u);
    EXPECT_EQ(report.truncated_from, offset(18));
    EXPECT_EQ(reopened->log_end_offset(), offset(18));
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log").size(), synced_bytes);
    EXPECT_EQ(read_all(*reopened), std::vector<byte_buffer>(written.begin(), written.begin() + 6));
    // The log continues at the cut.
    byte_buffer next = make_batch(1);
    EXPECT_EQ(reopened->append(next, leader_epoch(1))->base_offset, offset(18));
}

TEST(recovery, segments_below_the_recovery_point_are_not_scanned) {
    memory_file_system fs;
    manual_clock clock;
    log_config config;
    config.segment.segment_bytes = static_cast<int32_t>(2 * make_batch(3).size());
    auto l = std::move(*log::open(fs, dir, config, clock, {}));
    for (int k = 0; k < 7; ++k) {
        byte_buffer b = make_batch(3, k);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
    }
    ASSERT_EQ(l->flush(), storage_errc::none); // segments 0, 6, 12, 18
    fs.crash();
    l.reset();
    auto reopened = std::move(*log::open(fs, dir, config, clock, {.recovery_point = offset(14)}));
    EXPECT_EQ(reopened->recovery_report().segments_scanned, 2); // the one holding 14, and 18
    EXPECT_EQ(reopened->log_end_offset(), offset(21));
    EXPECT_EQ(reopened->recovery_report().bytes_truncated, 0u);
}

TEST(recovery, corruption_in_an_older_segment_deletes_the_later_ones) {
    memory_file_system fs;
    manual_clock clock;
    log_config config;
    const uint64_t batch_bytes = make_batch(3).size();
    config.segment.segment_bytes = static_cast<int32_t>(2 * batch_bytes);
    auto l = std::move(*log::open(fs, dir, config, clock, {}));
    for (int k = 0; k < 6; ++k) {
        byte_buffer b = make_batch(3, k);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
    }
    ASSERT_EQ(l->flush(), storage_errc::none);
    l.reset();
    byte_buffer middle = fs.contents(dir + "/00000000000000000006.log");
    middle[batch_bytes + 64] ^= 0x40; // the second batch of segment 6
    fs.set_contents(dir + "/00000000000000000006.log", middle);
    auto reopened = std::move(*log::open(fs, dir, config, clock, {.recovery_point = offset(0)}));
    EXPECT_EQ(reopened->log_end_offset(), offset(9));
    EXPECT_EQ(reopened->recovery_report().truncated_from, offset(9));
    EXPECT_EQ(reopened->recovery_report().bytes_truncated, batch_bytes);
    EXPECT_EQ(reopened->recovery_report().segments_deleted, 1);
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000012.log"));
    EXPECT_EQ(reopened->segment_count(), 2u);
}

TEST(recovery, lost_index_files_are_rebuilt) {
    memory_file_system fs;
    manual_clock clock;
    log_config config;
    config.segment.index_interval_bytes = 1;
    auto l = std::move(*log::open(fs, dir, config, clock, {}));
    for (int k = 0; k < 5; ++k) {
        byte_buffer b = make_batch(3, 1000 * k);
        ASSERT_TRUE(l->append(b, leader_epoch(0)).ok());
    }
    ASSERT_EQ(l->close(), storage_errc::none);
    byte_buffer index = fs.contents(dir + "/00000000000000000000.index");
    byte_buffer time_index = fs.contents(dir + "/00000000000000000000.timeindex");
    EXPECT_EQ(index.size(), 4 * 8u);
    ASSERT_EQ(fs.remove(dir + "/00000000000000000000.index"), storage_errc::none);
    fs.set_contents(dir + "/00000000000000000000.timeindex", byte_buffer(5, 0));
    l.reset();
    auto reopened = std::move(*log::open(fs, dir, config, clock, {.recovery_point = offset(0)}));
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.index"), index);
    // Rebuilt by the append rule; the final entry written at close is not there yet.
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.timeindex").size(), 4 * 12u);
    EXPECT_EQ(reopened->offset_for_timestamp(3001).value()->offset, offset(10));
}

// Random appends, syncs and crashes with random torn tails: after every reopen each synced
// batch is there byte-identical, the log is a prefix of what was appended, offsets are
// contiguous, and nothing after a torn tail is visible.
TEST(recovery, random_crashes_keep_every_synced_batch) {
    for (uint32_t seed = 1; seed <= 40; ++seed) {
        std::mt19937 random(seed);
        memory_file_system fs;
        manual_clock clock;
        log_config config;
        config.segment.segment_bytes = 2000;
        config.segment.index_interval_bytes = 300;
        std::vector<byte_buffer> appended; // everything the log has accepted, in order
        size_t synced = 0;                 // batches known durable
        offset recovery_point{0};
        for (int round = 0; round < 4; ++round) {
            auto l = std::move(*log::open(fs, dir, config, clock, {.recovery_point = recovery_point}));
            std::vector<byte_buffer> visible = read_all(*l);
            ASSERT_GE(visible.size(), synced) << "seed " << seed;
            ASSERT_LE(visible.size(), appended.size()) << "seed " << seed;
            for (size_t i = 0; i < visible.size(); ++i) ASSERT_EQ(visible[i], appended[i]) << "seed " << seed << " batch " << i;
            int64_t end = 0;
            for (const auto& b : visible) end += protocol::record_batch_view(b).records_count();
            ASSERT_EQ(l->log_end_offset(), offset(end)) << "seed " << seed;
            appended.resize(visible.size());
            synced = visible.size();
            recovery_point = l->recovery_point();
            for (int k = 0, n = 5 + static_cast<int>(random() % 20); k < n; ++k) {
                byte_buffer b = make_batch(1 + static_cast<int>(random() % 4), 1000 + k, random() % 200);
                ASSERT_TRUE(l->append(b, leader_epoch(round)).ok());
                appended.push_back(b);
                if (random() % 5 == 0) {
                    ASSERT_EQ(l->flush(), storage_errc::none);
                    synced = appended.size();
                    recovery_point = l->recovery_point();
                }
            }
            fs.crash(random() % 300);
        }
    }
}

} // namespace
} // namespace sluice::storage
