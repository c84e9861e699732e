#pragma once
// scheduler: time and one-shot timers on one shard, for the coordinators (groups,
// transactions) that do no I/O themselves. The broker implements it with asio timers on the
// shard's loop; tests with a manual clock.
#include <cstdint>
#include <functional>

namespace sluice {

class scheduler {
public:
    using timer_id = uint64_t;
    virtual ~scheduler() = default;
    virtual int64_t now_ms() const = 0; // wall clock (commit timestamps, retention)
    // Runs `fn` on this shard after `delay_ms` unless cancelled first. Ids are never reused.
    virtual timer_id schedule(int64_t delay_ms, std::function<void()> fn) = 0;
    virtual void cancel(timer_id id) = 0; // unknown or already-run ids are ignored
};

} // namespace sluice
