#pragma once
// shard_scheduler: base/scheduler.h on a shard's loop — wall-clock time and one-shot asio
// timers — for the coordinators that do no I/O themselves (group_shard, txn_shard).
//
// Threads: the owning shard's only; timers fire on its executor. Destroy it after whatever
// scheduled timers (its destructor cancels the ones still pending).
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include "base/scheduler.h"

namespace sluice::server {

class shard_scheduler final : public scheduler {
public:
    explicit shard_scheduler(asio::any_io_executor executor) : _executor(std::move(executor)) {}
    ~shard_scheduler() override;
    shard_scheduler(const shard_scheduler&) = delete;
    shard_scheduler& operator=(const shard_scheduler&) = delete;

    int64_t now_ms() const override;
    timer_id schedule(int64_t delay_ms, std::function<void()> fn) override;
    void cancel(timer_id id) override;
    size_t pending() const noexcept { return _timers.size(); }

private:
    asio::any_io_executor _executor;
    std::unordered_map<timer_id, std::unique_ptr<asio::steady_timer>> _timers;
    timer_id _next_timer = 1;
};

} // namespace sluice::server
