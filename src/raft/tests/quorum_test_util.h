#pragma once
// Helpers for the metadata quorum tests: a config over a temporary directory, and a collector
// of `done` callbacks that the test thread can wait on.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <vector>

#include "raft/metadata_quorum.h"

namespace sluice::raft::test {

inline quorum_config config_in(const std::string& dir) {
    quorum_config config;
    config.dir = dir;
    config.node_id = 1;
    config.address = "127.0.0.1:9093"; // recorded in the configuration; not bound (listen = false)
    return config;
}

struct completion {
    std::error_code error;
    uint64_t index;
    int tag; // the caller's, e.g. which proposal
};

// Records completions in the order the quorum thread reports them.
class done_collector {
public:
    metadata_quorum::done_fn make(int tag) {
        return [this, tag](std::error_code ec, uint64_t index) {
            std::lock_guard lock(_mutex);
            _done.push_back({ec, index, tag});
            _changed.notify_all();
        };
    }
    // Waits until `count` completions arrived; false on timeout.
    bool wait_for(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(_mutex);
        return _changed.wait_for(lock, timeout, [&] { return _done.size() >= count; });
    }
    std::vector<completion> done() {
        std::lock_guard lock(_mutex);
        return _done;
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    std::vector<completion> _done;
};

} // namespace sluice::raft::test
