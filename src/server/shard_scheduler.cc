#include "server/shard_scheduler.h"

#include <algorithm>
#include <chrono>

#include "storage/clock.h"

namespace sluice::server {

shard_scheduler::~shard_scheduler() {
    for (auto& [id, timer] : _timers) timer->cancel();
}

int64_t shard_scheduler::now_ms() const { return storage::system_clock().now_ms(); }

scheduler::timer_id shard_scheduler::schedule(int64_t delay_ms, std::function<void()> fn) {
    const timer_id id = _next_timer++;
    auto timer = std::make_unique<asio::steady_timer>(_executor, std::chrono::milliseconds(std::max<int64_t>(0, delay_ms)));
    timer->async_wait([this, id, fn = std::move(fn)](const std::error_code& ec) {
        if (ec) return; // cancelled: the entry is already gone
        auto it = _timers.find(id);
        if (it == _timers.end()) return;
        _timers.erase(it);
        fn();
    });
    _timers.emplace(id, std::move(timer));
    return id;
}

void shard_scheduler::cancel(timer_id id) {
    auto it = _timers.find(id);
    if (it == _timers.end()) return;
    it->second->cancel();
    _timers.erase(it);
}

} // namespace sluice::server
