#pragma once
// memory_budget: a shard's budget of bytes held by in-flight requests (read but not yet
// answered). A connection takes a frame's size from the budget before allocating its buffer
// and gives it back once the response has been written, so when the shard is over budget its
// connections stop reading: TCP flow control pushes back on the clients instead of the broker
// growing (back-pressure).
//
// Waiters are served first come, first served; a request larger than the whole budget takes
// the whole budget (it is clamped), so it waits for the shard to drain but never forever.
//
// Threads: shard-local; every call on the owning shard's thread.
#include <cstddef>
#include <deque>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

namespace sluice::net {

class memory_budget {
public:
    explicit memory_budget(size_t capacity_bytes) noexcept
        : _capacity(capacity_bytes), _available(capacity_bytes) {}
    memory_budget(const memory_budget&) = delete;
    memory_budget& operator=(const memory_budget&) = delete;

    size_t capacity() const noexcept { return _capacity; }
    size_t available() const noexcept { return _available; }
    size_t waiting() const noexcept { return _waiters.size(); }
    // How many times an acquire had to wait: reading paused for back-pressure.
    uint64_t waits() const noexcept { return _waits; }

    // What acquire(bytes) actually takes: bytes clamped to the capacity.
    size_t units_for(size_t bytes) const noexcept { return bytes < _capacity ? bytes : _capacity; }

    // Takes units_for(bytes), waiting while they are not available. `wake` is a timer the
    // caller owns and uses for nothing else; cancelling it abandons the wait. True when the
    // bytes were taken (the caller must release them), false when abandoned.
    asio::awaitable<bool> acquire(size_t bytes, asio::steady_timer& wake);
    void release(size_t units) noexcept;

private:
    struct waiter {
        size_t units;
        asio::steady_timer* wake;
        bool granted = false;
    };
    void grant_waiters() noexcept;

    size_t _capacity;
    size_t _available;
    uint64_t _waits = 0;
    std::deque<waiter*> _waiters;
};

} // namespace sluice::net
