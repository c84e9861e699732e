#include "storage/flush_service.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <unordered_map>

namespace sluice::storage {

void flush_service::start() {
    std::lock_guard lock(_mutex);
    if (!_workers.empty()) return;
    _stopping = false;
    for (size_t i = 0; i < _sync_threads; ++i) _workers.emplace_back([this] { worker_loop(); });
}

void flush_service::stop() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    for (std::thread& worker : _workers) worker.join();
    _workers.clear();
    while (run_round() > 0) {
    }
}

bool flush_service::take_one_log(std::vector<request>& batch) {
    auto first = std::find_if(_queue.begin(), _queue.end(), [](const request& r) { return !r.log->_syncing; });
    if (first == _queue.end()) return false;
    log_entry* log = first->log.get();
    log->_syncing = true;
    // Keeps the other logs' requests in their order.
    auto rest = std::stable_partition(first, _queue.end(), [log](const request& r) { return r.log.get() == log; });
    std::move(first, rest, std::back_inserter(batch));
    _queue.erase(first, rest);
    return true;
}

void flush_service::worker_loop() {
    std::vector<request> batch;
    log_handle synced;
    for (;;) {
        {
            std::unique_lock lock(_mutex);
            // The log this worker just synced is free again; its requests that arrived during
            // the sync are taken here or by the next worker that looks (a worker always looks
            // before it sleeps, so no wake-up is needed for them).
            if (synced) synced->_syncing = false;
            synced.reset();
            // Stopping: the workers finish what is queued; stop() then drains the rest.
            _wake.wait(lock, [&] { return take_one_log(batch) || (_stopping && _queue.empty()); });
            if (batch.empty()) return;
        }
        synced = batch.front().log;
        complete(batch);
        batch.clear();
    }
}

flush_service::log_handle flush_service::register_log(post_function post, model::offset durable) {
    return std::make_shared<log_entry>(std::move(post), durable);
}

void flush_service::enqueue(const log_handle& log, sync_plan plan, completion done) {
    bool syncing;
    {
        std::lock_guard lock(_mutex);
        _queue.push_back({log, std::move(plan), std::move(done)});
        syncing = log->_syncing;
    }
    // While its log syncs the request waits for that worker, which looks again before it
    // sleeps: waking another worker would only cost a context switch.
    if (!syncing) _wake.notify_one();
}

size_t flush_service::run_round() {
    std::vector<request> batch;
    {
        std::lock_guard lock(_mutex);
        batch.swap(_queue);
    }
    size_t n = batch.size();
    if (n > 0) complete(batch);
    return n;
}

void flush_service::complete(std::vector<request>& batch) {
    // Each distinct file and directory once, whatever number of requests name it.
    std::unordered_map<file_handle*, storage_errc> file_results;
    std::unordered_map<std::string, storage_errc> dir_results;
    for (const request& r : batch) {
        for (const auto& file : r.plan.files) file_results.emplace(file.get(), storage_errc::none);
        if (r.plan.point.dir) dir_results.emplace(r.plan.dir, storage_errc::none);
    }
    // Any order is safe: a completion waits for its files and its directory.
    for (auto& [file, error] : file_results) error = file->fdatasync();
    for (auto& [dir, error] : dir_results) error = _fs.sync_dir(dir);

    _rounds.fetch_add(1, std::memory_order_relaxed);
    _requests.fetch_add(batch.size(), std::memory_order_relaxed);
    _file_syncs.fetch_add(file_results.size(), std::memory_order_relaxed);
    _dir_syncs.fetch_add(dir_results.size(), std::memory_order_relaxed);

    for (request& r : batch) {
        storage_errc error = storage_errc::none;
        for (const auto& file : r.plan.files)
            if (storage_errc e = file_results[file.get()]; e != storage_errc::none) error = e;
        if (r.plan.point.dir && dir_results[r.plan.dir] != storage_errc::none) error = dir_results[r.plan.dir];
        if (error == storage_errc::none) {
            // Durable offsets only grow; requests of one log may arrive out of order.
            int64_t up_to = r.plan.point.up_to.value();
            int64_t seen = r.log->_durable.load(std::memory_order_relaxed);
            while (seen < up_to && !r.log->_durable.compare_exchange_weak(seen, up_to, std::memory_order_release)) {
            }
        } else {
            _errors.fetch_add(1, std::memory_order_relaxed);
        }
        // The plan travels with the completion so its handles are released on the owner thread.
        auto plan = std::make_shared<sync_plan>(std::move(r.plan));
        r.log->_post([done = std::move(r.done), plan, error] { done(error); });
    }
}

flush_service::stats flush_service::statistics() const {
    return {_rounds.load(), _requests.load(), _file_syncs.load(), _dir_syncs.load(), _errors.load()};
}

} // namespace sluice::storage
