// Group commit: flush_service rounds driven by the test (memory file system) or by its own
// thread (posix file system), log_syncer's flush.messages / flush.ms / acks=all waits.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
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

// Forwards to another file system; fdatasync of a .log file whose path contains `gated` waits
// while the gate is closed, and every fdatasync counts how many run on its file at once.
class gated_file_system final : public forwarding_file_system {
public:
    gated_file_system(file_system& inner, std::string gated) : forwarding_file_system(inner), _gated(std::move(gated)) {}

    void close_gate() {
        std::lock_guard lock(_mutex);
        _open = false;
    }
    void open_gate() {
        {
            std::lock_guard lock(_mutex);
            _open = true;
        }
        _changed.notify_all();
    }
    // Waits until `n` fdatasyncs wait at the closed gate.
    void wait_for_waiting(int n) {
        std::unique_lock lock(_mutex);
        _changed.wait(lock, [&] { return _waiting >= n; });
    }
    int syncs_of_gated() {
        std::lock_guard lock(_mutex);
        return _gated_syncs;
    }
    int most_at_once() {
        std::lock_guard lock(_mutex);
        return _most_at_once;
    }

    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override {
        auto file = _inner.open(path, mode);
        if (!file.ok()) return file;
        return std::shared_ptr<file_handle>(std::make_shared<handle>(*this, std::move(*file)));
    }

private:
    class handle final : public file_handle {
    public:
        handle(gated_file_system& fs, std::shared_ptr<file_handle> file) : _fs(fs), _file(std::move(file)) {}
        const std::string& path() const noexcept override { return _file->path(); }
        result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) override {
            return _file->read_at(position, buffer);
        }
        storage_errc write_at(uint64_t position, byte_view data) override { return _file->write_at(position, data); }
        storage_errc append(byte_view data) override { return _file->append(data); }
        storage_errc fdatasync() override {
            bool gated = path().find(_fs._gated) != std::string::npos && path().ends_with(".log");
            {
                std::unique_lock lock(_fs._mutex);
                _fs._most_at_once = std::max(_fs._most_at_once, ++_running);
                if (gated) {
                    ++_fs._gated_syncs;
                    ++_fs._waiting;
                    _fs._changed.notify_all();
                    _fs._changed.wait(lock, [&] { return _fs._open; });
                    --_fs._waiting;
                }
            }
            storage_errc e = _file->fdatasync();
            std::lock_guard lock(_fs._mutex);
            --_running;
            return e;
        }
        storage_errc truncate(uint64_t size) override { return _file->truncate(size); }
        result<uint64_t> size() override { return _file->size(); }
        int native_handle() const noexcept override { return _file->native_handle(); }

    private:
        gated_file_system& _fs;
        std::shared_ptr<file_handle> _file;
        int _running = 0; // guarded by _fs._mutex
    };

    const std::string _gated;
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _open = true;
    int _waiting = 0, _gated_syncs = 0, _most_at_once = 0;
};

std::string fresh_dir(const std::string& name) {
    std::string root = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    return root;
}

TEST(flush_service, workers_group_what_is_queued_per_log) {
    std::string root = fresh_dir("sluice_flush");
    posix_file_system fs;
    system_clock clock;
    completion_queue owner;
    flush_service service(fs);
    std::vector<std::unique_ptr<log>> logs;
    std::vector<std::unique_ptr<log_syncer>> syncers;
    for (int p = 0; p < 8; ++p) {
        logs.push_back(std::move(*log::open(fs, root + "/t-" + std::to_string(p), {}, clock, {})));
        syncers.push_back(std::make_unique<log_syncer>(*logs[p], service, owner.poster(), flush_settings{}, clock));
    }
    int acked = 0;
    const int rounds = 50;
    auto produce = [&] {
        for (int i = 0; i < rounds; ++i)
            for (int p = 0; p < 8; ++p) {
                byte_buffer batch = make_batch(4, 1000, 1024);
                auto appended = logs[p]->append(batch, leader_epoch(0));
                ASSERT_TRUE(appended.ok());
                syncers[p]->wait_durable(offset(appended->last_offset.value() + 1),
                                         [&](storage_errc e) { acked += e == storage_errc::none; });
            }
    };
    // Queued before the workers start: each log's 50 requests are one sync of one file.
    produce();
    service.start();
    while (acked < rounds * 8) owner.run_for(std::chrono::milliseconds(100));
    flush_service::stats stats = service.statistics();
    EXPECT_EQ(stats.requests, static_cast<uint64_t>(rounds * 8));
    EXPECT_EQ(stats.file_syncs, 8u);
    EXPECT_EQ(stats.rounds, 8u);
    for (auto& l : logs) EXPECT_EQ(l->recovery_point(), offset(rounds * 4));
    // Arriving while the workers run: everything acknowledged is durable, in whatever grouping
    // the timing gives.
    produce();
    while (acked < 2 * rounds * 8) owner.run_for(std::chrono::milliseconds(100));
    service.stop();
    for (auto& l : logs) EXPECT_EQ(l->recovery_point(), offset(2 * rounds * 4));
    syncers.clear();
    logs.clear();
    std::filesystem::remove_all(root);
}

TEST(flush_service, logs_sync_in_parallel_and_one_log_never_twice_at_once) {
    std::string root = fresh_dir("sluice_flush_gate");
    posix_file_system posix;
    gated_file_system fs(posix, "/slow/");
    system_clock clock;
    completion_queue owner;
    flush_service service(fs, 4);
    service.start();
    auto slow = std::move(*log::open(fs, root + "/slow", {}, clock, {}));
    auto fast = std::move(*log::open(fs, root + "/fast", {}, clock, {}));
    log_syncer slow_syncer(*slow, service, owner.poster(), {}, clock);
    log_syncer fast_syncer(*fast, service, owner.poster(), {}, clock);
    auto append = [](log& l) {
        byte_buffer batch = make_batch(2);
        auto appended = l.append(batch, leader_epoch(0));
        EXPECT_TRUE(appended.ok());
        return offset(appended->last_offset.value() + 1);
    };
    std::vector<offset> slow_acks;
    bool fast_acked = false;

    fs.close_gate();
    offset first = append(*slow);
    slow_syncer.wait_durable(first, [&](storage_errc e) { if (e == storage_errc::none) slow_acks.push_back(first); });
    fs.wait_for_waiting(1); // the slow log's sync is running (held at the gate)
    // Written after that sync began: it may not cover this append, so the request waits for
    // the next sync of the log, not for this one.
    offset second = append(*slow);
    slow_syncer.wait_durable(second, [&](storage_errc e) { if (e == storage_errc::none) slow_acks.push_back(second); });
    // Another log is not held up by the slow one (no lock-step rounds).
    offset fast_end = append(*fast);
    fast_syncer.wait_durable(fast_end, [&](storage_errc e) { fast_acked = e == storage_errc::none; });
    for (int i = 0; i < 100 && !fast_acked; ++i) owner.run_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(fast_acked);
    EXPECT_TRUE(slow_acks.empty());
    EXPECT_EQ(fs.syncs_of_gated(), 1); // no second sync of the slow log while the first runs

    fs.open_gate();
    for (int i = 0; i < 100 && slow_acks.size() < 2; ++i) owner.run_for(std::chrono::milliseconds(50));
    EXPECT_EQ(slow_acks, (std::vector<offset>{first, second}));
    EXPECT_EQ(fs.syncs_of_gated(), 2);
    EXPECT_EQ(fs.most_at_once(), 1); // per file
    EXPECT_EQ(slow->recovery_point(), second);
    service.stop();
    std::filesystem::remove_all(root);
}

} // namespace
} // namespace sluice::storage
