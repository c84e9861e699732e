#include "net/memory_budget.h"

#include <algorithm>

#include <asio/use_awaitable.hpp>

#include "base/assert.h"
#include "net/completion.h"

namespace sluice::net {

asio::awaitable<bool> memory_budget::acquire(size_t bytes, asio::steady_timer& wake) {
    size_t units = units_for(bytes);
    if (_waiters.empty() && units <= _available) {
        _available -= units;
        co_return true;
    }
    ++_waits;
    waiter w{units, &wake};
    _waiters.push_back(&w);
    wake.expires_at(asio::steady_timer::time_point::max());
    co_await wake.async_wait(use_tuple);
    if (w.granted) co_return true;
    // Abandoned (the connection closes or drains): leave the queue; the waiters behind may fit.
    _waiters.erase(std::find(_waiters.begin(), _waiters.end(), &w));
    grant_waiters();
    co_return false;
}

void memory_budget::release(size_t units) noexcept {
    _available += units;
    SLUICE_ASSERT(_available <= _capacity, "memory budget released more than it gave");
    grant_waiters();
}

void memory_budget::grant_waiters() noexcept {
    while (!_waiters.empty() && _waiters.front()->units <= _available) {
        waiter* w = _waiters.front();
        _waiters.pop_front();
        _available -= w->units;
        w->granted = true;
        w->wake->cancel();
    }
}

} // namespace sluice::net
