#pragma once
// completion_queue: the smallest "post back to the owner thread" for code without an event
// loop (tests, the crash-test child, benchmarks): post() from any thread, run_ready() or
// run_for() on the owner thread. A shard uses its io_context instead.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace sluice::storage {

class completion_queue {
public:
    using task = std::function<void()>;

    void post(task t) {
        {
            std::lock_guard lock(_mutex);
            _tasks.push_back(std::move(t));
        }
        _ready.notify_one();
    }
    // A post_function for flush_service / log_syncer.
    std::function<void(task)> poster() {
        return [this](task t) { post(std::move(t)); };
    }
    // Runs what is queued now; the number run.
    size_t run_ready() {
        std::deque<task> tasks;
        {
            std::lock_guard lock(_mutex);
            tasks.swap(_tasks);
        }
        for (task& t : tasks) t();
        return tasks.size();
    }
    // Waits up to `timeout` for something to run, then runs what is queued.
    size_t run_for(std::chrono::microseconds timeout) {
        {
            std::unique_lock lock(_mutex);
            _ready.wait_for(lock, timeout, [this] { return !_tasks.empty(); });
        }
        return run_ready();
    }

private:
    std::mutex _mutex;
    std::condition_variable _ready;
    std::deque<task> _tasks;
};

} // namespace sluice::storage
