#pragma once
// flush_service: group-commit fdatasync for one log directory (DESIGN.md §2 "fsync workers").
// Callers enqueue "make log L durable up to offset X" (a sync_plan) with a completion; one
// round takes every request queued so far, fdatasyncs each distinct file once and each
// directory that needs it once, then publishes the durable offset of every log in the round
// and posts the completions back through each log's `post` function. An append queued before
// a round starts is covered by that round's fdatasync (group commit across partitions and
// requests). Requests queued during a round wait for the next one.
//
// Threads:
// - start() runs rounds on the service's own thread, off the event loops. Without start(),
//   a test drives rounds itself with run_round() (deterministic, and required for
//   memory_file_system, whose handles are single-threaded).
// - register_log(), enqueue(), durable_offset() and the stats may be called from any thread.
// - The service calls only file_handle::fdatasync() and file_system::sync_dir() (both
//   thread-safe for posix_file_system and lru_file_system). It never touches a log: the log's
//   owner applies a result in the posted completion (log::mark_synced, log_syncer.h).
// - Completions run wherever `post` runs them; the plan's file handles are released there too
//   (so a handle's destructor never runs on the service thread).
//
// Lifetime: the file system outlives the service; stop() (or the destructor) finishes the
// queued requests and joins the thread. Posted completions may run after stop().
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/file_system.h"
#include "storage/sync_plan.h"

namespace sluice::storage {

class flush_service {
public:
    using task = std::function<void()>;
    // Runs a task on the log owner's thread (e.g. asio::post to its shard's io_context).
    using post_function = std::function<void(task)>;
    using completion = std::function<void(storage_errc)>;
    static constexpr size_t sync_threads_default = 4;

    // One registered log: where its completions go and how far it is durable.
    class log_entry {
    public:
        log_entry(post_function post, model::offset durable) : _post(std::move(post)), _durable(durable.value()) {}
        // Every offset below it has been fdatasync'ed (any thread).
        model::offset durable_offset() const noexcept { return model::offset(_durable.load(std::memory_order_acquire)); }

    private:
        friend class flush_service;
        post_function _post;
        std::atomic<int64_t> _durable;
    };
    using log_handle = std::shared_ptr<log_entry>;

    struct stats {
        uint64_t rounds = 0;
        uint64_t requests = 0;
        uint64_t file_syncs = 0; // fdatasync calls
        uint64_t dir_syncs = 0;
        uint64_t errors = 0;
    };

    // `sync_threads`: fdatasyncs of one round run on up to this many threads at once (the
    // service thread and helpers), so a round over many partitions costs about one journal
    // commit rather than one per file (ext4 batches concurrent syncs). 1: one after another.
    explicit flush_service(file_system& fs, size_t sync_threads = sync_threads_default) noexcept
        : _fs(fs), _sync_threads(sync_threads > 0 ? sync_threads : 1) {}
    ~flush_service() { stop(); }
    flush_service(const flush_service&) = delete;
    flush_service& operator=(const flush_service&) = delete;

    void start();
    void stop();

    // `durable`: the log's recovery point when it registers.
    log_handle register_log(post_function post, model::offset durable);
    void enqueue(const log_handle& log, sync_plan plan, completion done);
    // One round on the calling thread; the number of requests it completed.
    size_t run_round();

    stats statistics() const;

private:
    struct request {
        log_handle log;
        sync_plan plan;
        completion done;
    };

    // One fdatasync or directory sync of a round.
    struct sync_item {
        file_handle* file = nullptr;
        const std::string* dir = nullptr;
        storage_errc error = storage_errc::none;
    };

    void run();
    void helper_loop();
    // Syncs every item, on the helpers too when they run.
    void sync_all(std::vector<sync_item>& items);
    void drain(std::vector<sync_item>& items);

    file_system& _fs;
    const size_t _sync_threads;
    // Helpers: started by start(), woken per round by a new _generation.
    std::vector<std::thread> _helpers;
    std::mutex _pool_mutex;
    std::condition_variable _pool_wake, _pool_done;
    uint64_t _generation = 0;         // guarded by _pool_mutex
    size_t _busy_helpers = 0;         // guarded by _pool_mutex
    bool _pool_stopping = false;      // guarded by _pool_mutex
    std::vector<sync_item>* _work = nullptr;
    std::atomic<size_t> _next_item{0};
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::vector<request> _queue; // guarded by _mutex
    bool _stopping = false;      // guarded by _mutex
    std::thread _thread;
    std::mutex _round_mutex; // one round at a time (run_round() from a test and the thread)
    std::atomic<uint64_t> _rounds{0}, _requests{0}, _file_syncs{0}, _dir_syncs{0}, _errors{0};
};

} // namespace sluice::storage
