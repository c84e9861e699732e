#pragma once
// The wall clock behind an interface, so segment.ms rolls and LogAppendTime are testable.
// Implementations are called from the owning shard only.
#include <chrono>
#include <cstdint>

namespace sluice::storage {

class clock {
public:
    virtual ~clock() = default;
    // Milliseconds since the Unix epoch (Kafka's time.milliseconds()).
    virtual int64_t now_ms() const = 0;
};

class system_clock final : public clock {
public:
    int64_t now_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
};

// A clock tests move by hand.
class manual_clock final : public clock {
public:
    explicit manual_clock(int64_t now_ms = 0) noexcept : _now_ms(now_ms) {}
    int64_t now_ms() const override { return _now_ms; }
    void advance(int64_t delta_ms) noexcept { _now_ms += delta_ms; }
    void set(int64_t now_ms) noexcept { _now_ms = now_ms; }

private:
    int64_t _now_ms;
};

} // namespace sluice::storage
