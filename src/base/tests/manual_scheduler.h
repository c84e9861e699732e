#pragma once
// A scheduler for coordinator tests (groups, transactions): a manual clock; timers run only
// when advance() passes their due time, each at its own time, in due order.
#include <cstdint>
#include <functional>
#include <map>

#include "base/scheduler.h"

namespace sluice::testing {

class manual_scheduler final : public scheduler {
public:
    int64_t now = 1'000'000;
    int64_t now_ms() const override { return now; }
    timer_id schedule(int64_t delay_ms, std::function<void()> fn) override {
        timer_id id = ++_next;
        _timers[id] = {now + delay_ms, std::move(fn)};
        return id;
    }
    void cancel(timer_id id) override { _timers.erase(id); }
    // Moves the clock forward, running each timer due on the way at its own time.
    void advance(int64_t ms) {
        int64_t target = now + ms;
        for (;;) {
            auto next = _timers.end();
            for (auto it = _timers.begin(); it != _timers.end(); ++it)
                if (it->second.due <= target && (next == _timers.end() || it->second.due < next->second.due)) next = it;
            if (next == _timers.end()) break;
            now = next->second.due;
            auto fn = std::move(next->second.fn);
            _timers.erase(next);
            fn();
        }
        now = target;
    }
    size_t pending() const { return _timers.size(); }

private:
    struct timer {
        int64_t due;
        std::function<void()> fn;
    };
    std::map<timer_id, timer> _timers;
    timer_id _next = 0;
};

} // namespace sluice::testing
