#include "storage/flush_service.h"

#include <string>
#include <unordered_map>

namespace sluice::storage {

void flush_service::start() {
    std::lock_guard lock(_mutex);
    if (_thread.joinable()) return;
    _stopping = false;
    _pool_stopping = false;
    for (size_t i = 1; i < _sync_threads; ++i) _helpers.emplace_back([this] { helper_loop(); });
    _thread = std::thread([this] { run(); });
}

void flush_service::stop() {
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) _thread.join();
    {
        std::lock_guard lock(_pool_mutex);
        _pool_stopping = true;
    }
    _pool_wake.notify_all();
    for (std::thread& helper : _helpers) helper.join();
    _helpers.clear();
    while (run_round() > 0) {
    }
}

void flush_service::helper_loop() {
    uint64_t seen = 0;
    for (;;) {
        std::vector<sync_item>* work = nullptr;
        {
            std::unique_lock lock(_pool_mutex);
            _pool_wake.wait(lock, [&] { return _pool_stopping || _generation != seen; });
            if (_pool_stopping) return;
            seen = _generation;
            work = _work;
        }
        drain(*work);
        std::lock_guard lock(_pool_mutex);
        if (--_busy_helpers == 0) _pool_done.notify_one();
    }
}

void flush_service::drain(std::vector<sync_item>& items) {
    for (size_t i; (i = _next_item.fetch_add(1, std::memory_order_relaxed)) < items.size();) {
        sync_item& item = items[i];
        item.error = item.file ? item.file->fdatasync() : _fs.sync_dir(*item.dir);
    }
}

void flush_service::sync_all(std::vector<sync_item>& items) {
    _next_item.store(0, std::memory_order_relaxed);
    if (_helpers.empty() || items.size() < 2) {
        drain(items);
        return;
    }
    {
        std::lock_guard lock(_pool_mutex);
        _work = &items;
        _busy_helpers = _helpers.size();
        ++_generation;
    }
    _pool_wake.notify_all();
    drain(items);
    std::unique_lock lock(_pool_mutex);
    _pool_done.wait(lock, [this] { return _busy_helpers == 0; });
    _work = nullptr;
}

flush_service::log_handle flush_service::register_log(post_function post, model::offset durable) {
    return std::make_shared<log_entry>(std::move(post), durable);
}

void flush_service::enqueue(const log_handle& log, sync_plan plan, completion done) {
    {
        std::lock_guard lock(_mutex);
        _queue.push_back({log, std::move(plan), std::move(done)});
    }
    _wake.notify_one();
}

void flush_service::run() {
    for (;;) {
        {
            std::unique_lock lock(_mutex);
            _wake.wait(lock, [this] { return _stopping || !_queue.empty(); });
            if (_stopping && _queue.empty()) return;
        }
        run_round();
    }
}

size_t flush_service::run_round() {
    std::lock_guard round(_round_mutex);
    std::vector<request> batch;
    {
        std::lock_guard lock(_mutex);
        batch.swap(_queue);
    }
    if (batch.empty()) return 0;

    // Each distinct file and directory once, whatever number of requests name it.
    std::unordered_map<file_handle*, storage_errc> file_results;
    std::unordered_map<std::string, storage_errc> dir_results;
    for (const request& r : batch) {
        for (const auto& file : r.plan.files) file_results.emplace(file.get(), storage_errc::none);
        if (r.plan.point.dir) dir_results.emplace(r.plan.dir, storage_errc::none);
    }
    // Any order is safe: a completion waits for its files and its directory.
    std::vector<sync_item> items;
    items.reserve(file_results.size() + dir_results.size());
    for (auto& [file, error] : file_results) items.push_back({.file = file});
    for (auto& [dir, error] : dir_results) items.push_back({.dir = &dir});
    sync_all(items);
    for (const sync_item& item : items) {
        if (item.file) file_results[item.file] = item.error;
        else dir_results[*item.dir] = item.error;
    }

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
    return batch.size();
}

flush_service::stats flush_service::statistics() const {
    return {_rounds.load(), _requests.load(), _file_syncs.load(), _dir_syncs.load(), _errors.load()};
}

} // namespace sluice::storage
