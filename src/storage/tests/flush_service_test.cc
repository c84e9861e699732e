// Group commit: flush_service rounds driven by the test (memory file system) or by its own
// thread (posix file system), log_syncer's flush.messages / flush.ms / acks=all waits.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "storage/completion_queue.h"
#include "storage/flush_service.h"
#include "storage/log_syncer.h"
#include "storage/memory_file_system.h"
#include "storage/posix_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;

struct fixture {
    memory_file_system fs;
    manual_clock clock;
    completion_queue owner;
    flush_service service{fs};

    std::unique_ptr<log> open(const std::string& dir, log_config config = {}) {
        return std::move(*log::open(fs, dir, config, clock, {}));
    }
    void append(log& l, int records = 2) {
        byte_buffer batch = make_batch(records);
        ASSERT_TRUE(l.append(batch, leader_epoch(0)).ok());
    }
};

TEST(flush_service, one_round_syncs_every_queued_log_once) {
    fixture f;
    std::vector<std::unique_ptr<log>> logs;
    std::vector<std::unique_ptr<log_syncer>> syncers;
    int acked = 0;
    for (int p = 0; p < 3; ++p) {
        logs.push_back(f.open("/data/t-" + std::to_string(p)));
        syncers.push_back(std::make_unique<log_syncer>(*logs[p], f.service, f.owner.poster(), flush_settings{}, f.clock));
        f.append(*logs[p]);
        f.append(*logs[p]);
        // Two acks=all produce requests on the same partition, one round.
        syncers[p]->wait_durable(offset(2), [&](storage_errc e) { acked += e == storage_errc::none; });
        f.append(*logs[p]);
        syncers[p]->wait_durable(offset(6), [&](storage_errc e) { acked += e == storage_errc::none; });
    }
    EXPECT_EQ(f.service.run_round(), 6u);
    flush_service::stats stats = f.service.statistics();
    EXPECT_EQ(stats.rounds, 1u);
    EXPECT_EQ(stats.file_syncs, 3u); // one .log per partition, however many requests
    // Synced, but the owner has not been told yet: the recovery point waits for the completion.
    EXPECT_EQ(syncers[0]->handle()->durable_offset(), offset(6));
    EXPECT_EQ(logs[0]->recovery_point(), offset(0));
    EXPECT_EQ(acked, 0);
    f.owner.run_ready();
    EXPECT_EQ(acked, 6);
    for (auto& l : logs) EXPECT_EQ(l->recovery_point(), offset(6));
    // What was acknowledged survives a power loss.
    f.fs.crash();
    syncers.clear();
    logs.clear();
    auto reopened = f.open("/data/t-1");
    EXPECT_EQ(reopened->log_end_offset(), offset(6));
}

TEST(flush_service, a_request_during_a_round_waits_for_the_next) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    f.append(*l);
    int acked = 0;
    syncer.wait_durable(offset(2), [&](storage_errc) { ++acked; });
    syncer.wait_durable(offset(1), [&](storage_errc) { ++acked; }); // covered by the same request
    EXPECT_EQ(f.service.statistics().requests, 0u);
    f.service.run_round();
    f.append(*l);
    syncer.wait_durable(offset(4), [&](storage_errc) { ++acked; });
    f.owner.run_ready();
    EXPECT_EQ(acked, 2);
    EXPECT_EQ(l->recovery_point(), offset(2));
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(acked, 3);
    EXPECT_EQ(l->recovery_point(), offset(4));
    EXPECT_EQ(f.service.statistics().requests, 2u);
}

TEST(flush_service, already_durable_offsets_complete_at_once) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    bool done = false;
    syncer.wait_durable(offset(0), [&](storage_errc e) { done = e == storage_errc::none; });
    EXPECT_TRUE(done);
    EXPECT_EQ(f.service.statistics().requests, 0u);
}

TEST(flush_service, flush_messages_forces_a_sync) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {.flush_messages = 5}, f.clock);
    f.append(*l);
    syncer.appended();
    f.append(*l);
    syncer.appended();
    f.service.run_round();
    EXPECT_EQ(f.service.statistics().requests, 0u); // 4 unsynced < 5
    f.append(*l);
    syncer.appended();
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(f.service.statistics().requests, 1u);
    EXPECT_EQ(l->recovery_point(), offset(6));
}

TEST(flush_service, flush_ms_forces_a_sync_on_tick) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {.flush_ms = 1000}, f.clock);
    syncer.tick();
    f.append(*l);
    f.clock.advance(999);
    syncer.tick();
    EXPECT_EQ(f.service.run_round(), 0u);
    f.clock.advance(1);
    syncer.tick();
    EXPECT_EQ(f.service.run_round(), 1u);
    f.owner.run_ready();
    EXPECT_EQ(l->recovery_point(), offset(2));
    f.clock.advance(5000);
    syncer.tick(); // nothing new
    EXPECT_EQ(f.service.run_round(), 0u);
}

TEST(flush_service, defaults_never_force_a_sync) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    for (int i = 0; i < 100; ++i) {
        f.append(*l);
        syncer.appended();
    }
    f.clock.advance(int64_t{1} << 40);
    syncer.tick();
    EXPECT_EQ(f.service.run_round(), 0u);
}

TEST(flush_service, a_failed_sync_fails_its_waiters_and_a_retry_succeeds) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    f.append(*l);
    f.fs.inject({.op = fs_op::sync, .path_contains = ".log", .count = 1, .error = storage_errc::io_error});
    storage_errc result = storage_errc::none;
    syncer.wait_durable(offset(2), [&](storage_errc e) { result = e; });
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(result, storage_errc::io_error);
    EXPECT_EQ(l->recovery_point(), offset(0));
    EXPECT_EQ(f.service.statistics().errors, 1u);
    syncer.wait_durable(offset(2), [&](storage_errc e) { result = e; });
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(result, storage_errc::none);
    EXPECT_EQ(l->recovery_point(), offset(2));
}

TEST(flush_service, a_roll_syncs_the_old_segment_and_the_directory) {
    fixture f;
    log_config config;
    config.segment.segment_bytes = 200;
    auto l = f.open("/data/t-0", config);
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    for (int i = 0; i < 4; ++i) f.append(*l); // ~ 80-byte batches: rolls
    ASSERT_GT(l->segment_count(), 1u);
    syncer.request_sync();
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(f.service.statistics().file_syncs, l->segment_count());
    EXPECT_EQ(f.service.statistics().dir_syncs, 1u);
    f.fs.crash();
    size_t segments = l->segment_count();
    l.reset();
    auto reopened = f.open("/data/t-0", config);
    EXPECT_EQ(reopened->log_end_offset(), offset(8));
    EXPECT_EQ(reopened->segment_count(), segments);
}

TEST(flush_service, a_truncation_makes_an_in_flight_sync_stale) {
    fixture f;
    auto l = f.open("/data/t-0");
    log_syncer syncer(*l, f.service, f.owner.poster(), {}, f.clock);
    f.append(*l);
    f.append(*l);
    syncer.request_sync(); // up to 4
    ASSERT_EQ(l->truncate_to(offset(2)), storage_errc::none);
    f.append(*l);
    f.append(*l); // 2..5 now, 2..3 differ from what the plan covered
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_EQ(l->recovery_point(), offset(0)); // stale: nothing is trusted from it
    EXPECT_EQ(l->log_end_offset(), offset(6));
    bool done = false;
    syncer.wait_durable(offset(6), [&](storage_errc e) { done = e == storage_errc::none; });
    f.service.run_round();
    f.owner.run_ready();
    EXPECT_TRUE(done);
    EXPECT_EQ(l->recovery_point(), offset(6));
}

TEST(flush_service, completions_after_the_syncer_is_gone_are_dropped) {
    fixture f;
    auto l = f.open("/data/t-0");
    auto syncer = std::make_unique<log_syncer>(*l, f.service, f.owner.poster(), flush_settings{}, f.clock);
    f.append(*l);
    storage_errc result = storage_errc::none;
    syncer->wait_durable(offset(2), [&](storage_errc e) { result = e; });
    syncer.reset();
    EXPECT_EQ(result, storage_errc::failed);
    f.service.run_round();
    f.owner.run_ready(); // must not touch the destroyed syncer
}

TEST(flush_service, own_thread_with_posix_files) {
    std::string root = std::filesystem::temp_directory_path() / ("sluice_flush_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    posix_file_system fs;
    system_clock clock;
    completion_queue owner;
    flush_service service(fs);
    service.start();
    std::vector<std::unique_ptr<log>> logs;
    std::vector<std::unique_ptr<log_syncer>> syncers;
    for (int p = 0; p < 8; ++p) {
        logs.push_back(std::move(*log::open(fs, root + "/t-" + std::to_string(p), {}, clock, {})));
        syncers.push_back(std::make_unique<log_syncer>(*logs[p], service, owner.poster(), flush_settings{}, clock));
    }
    int acked = 0;
    const int rounds = 50;
    for (int i = 0; i < rounds; ++i)
        for (int p = 0; p < 8; ++p) {
            byte_buffer batch = make_batch(4, 1000, 1024);
            auto appended = logs[p]->append(batch, leader_epoch(0));
            ASSERT_TRUE(appended.ok());
            syncers[p]->wait_durable(offset(appended->last_offset.value() + 1),
                                     [&](storage_errc e) { acked += e == storage_errc::none; });
        }
    while (acked < rounds * 8) owner.run_for(std::chrono::milliseconds(100));
    service.stop();
    flush_service::stats stats = service.statistics();
    // Group commit: far fewer fdatasyncs than acknowledged appends.
    EXPECT_LT(stats.file_syncs, static_cast<uint64_t>(rounds * 8));
    for (auto& l : logs) EXPECT_EQ(l->recovery_point(), offset(rounds * 4));
    syncers.clear();
    logs.clear();
    std::filesystem::remove_all(root);
}

} // namespace
} // namespace sluice::storage
