#pragma once
// flush_service: group-commit fdatasync for one log directory (DESIGN.md §2 "fsync workers").
// Callers enqueue "make log L durable up to offset X" (a sync_plan) with a completion. A sync
// of a log takes every request of that log queued so far, fdatasyncs each distinct file once
// (and the directory when a plan needs it), then publishes the log's durable offset and posts
// the completions back through the log's `post` function. A request queued while a sync of its
// log is running waits for the next sync of that log (the running fdatasync may have started
// before the request's write); requests of one log queued together share one sync (group
// commit across requests).
//
// Threads:
// - start() runs `sync_threads` workers, off the event loops. Each worker takes the requests of
//   one log that no other worker is syncing, so different logs sync in parallel and as soon as
//   a request arrives, not in lock-step rounds: a round over N partitions waited for the
//   slowest of N files, and a request arriving during it for a whole second round. The kernel
//   still batches concurrent fdatasyncs into one journal commit (ext4).
// - Without start(), a test drives rounds itself with run_round(): every queued request of
//   every log, on the calling thread (deterministic, and required for memory_file_system,
//   whose handles are single-threaded).
// - register_log(), enqueue(), durable_offset() and the stats may be called from any thread.
// - The service calls only file_handle::fdatasync() and file_system::sync_dir() (both
//   thread-safe for posix_file_system and lru_file_system). It never touches a log: the log's
//   owner applies a result in the posted completion (log::mark_synced, log_syncer.h).
// - Completions run wherever `post` runs them; the plan's file handles are released there too
//   (so a handle's destructor never runs on a worker).
//
// Lifetime: the file system outlives the service; stop() (or the destructor) finishes the
// queued requests and joins the workers. Posted completions may run after stop().
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
    // Logs synced at once. The workers only wait in fdatasync, so more than the cores is
    // right: 8 partitions at 10k acks=all requests/s want 8 syncs in flight.
    static constexpr size_t sync_threads_default = 16;

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
        bool _syncing = false; // a worker is syncing this log; guarded by the service's _mutex
    };
    using log_handle = std::shared_ptr<log_entry>;

    struct stats {
        uint64_t rounds = 0; // syncs of one log by a worker, or run_round() calls
        uint64_t requests = 0;
        uint64_t file_syncs = 0; // fdatasync calls
        uint64_t dir_syncs = 0;
        uint64_t errors = 0;
    };

    // `sync_threads`: the workers start() runs, i.e. how many logs sync at once.
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
    // Every queued request on the calling thread; the number of requests it completed.
    size_t run_round();

    stats statistics() const;

private:
    struct request {
        log_handle log;
        sync_plan plan;
        completion done;
    };

    void worker_loop();
    // Syncs the files and directories of `batch` (one after another), publishes the durable
    // offsets and posts the completions.
    void complete(std::vector<request>& batch);
    // Moves the queued requests of the first log no worker is syncing into `batch` and marks
    // that log syncing; false when there is none. Needs _mutex.
    bool take_one_log(std::vector<request>& batch);

    file_system& _fs;
    const size_t _sync_threads;
    std::vector<std::thread> _workers;
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::vector<request> _queue; // guarded by _mutex
    bool _stopping = false;      // guarded by _mutex
    std::atomic<uint64_t> _rounds{0}, _requests{0}, _file_syncs{0}, _dir_syncs{0}, _errors{0};
};

} // namespace sluice::storage
