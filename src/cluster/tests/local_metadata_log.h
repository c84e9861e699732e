#pragma once
// A metadata_log for tests: one thread applies every proposed entry to the store in order,
// as the quorum would once the entry committed (no consensus, no disk).
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "cluster/metadata_log.h"
#include "cluster/metadata_store.h"

namespace sluice::cluster::testing {

class local_metadata_log final : public metadata_log {
public:
    explicit local_metadata_log(metadata_store& store) : _store(store), _thread([this] { run(); }) {}
    ~local_metadata_log() override {
        {
            std::lock_guard lock(_mutex);
            _stopping = true;
        }
        _wake.notify_one();
        _thread.join();
    }
    void propose(byte_buffer entry, done_fn done) override {
        post([this, entry = std::move(entry), done = std::move(done)] {
            ++_index;
            if (fail_next) {
                fail_next = false;
                done(std::make_error_code(std::errc::io_error), 0);
                return;
            }
            _store.apply(_index, entry);
            done({}, _index);
        });
    }
    void post(std::function<void()> fn) override {
        {
            std::lock_guard lock(_mutex);
            _work.push_back(std::move(fn));
        }
        _wake.notify_one();
    }
    bool fail_next = false; // set from the apply thread (or before any work)

private:
    void run() {
        std::unique_lock lock(_mutex);
        while (true) {
            _wake.wait(lock, [&] { return _stopping || !_work.empty(); });
            if (_work.empty()) return;
            auto fn = std::move(_work.front());
            _work.pop_front();
            lock.unlock();
            fn();
            lock.lock();
        }
    }
    metadata_store& _store;
    uint64_t _index = 0;
    std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<std::function<void()>> _work;
    bool _stopping = false;
    std::thread _thread;
};

} // namespace sluice::cluster::testing
