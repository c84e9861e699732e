#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <string>

namespace sluice::log {

namespace {

std::atomic<level> g_level{level::info};
thread_local std::string t_thread_name = "main";

constexpr std::string_view level_names[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};

} // namespace

void set_level(level l) noexcept { g_level.store(l, std::memory_order_relaxed); }

bool enabled(level l) noexcept { return l >= g_level.load(std::memory_order_relaxed); }

void set_thread_name(std::string_view name) { t_thread_name = name; }

bool parse_level(std::string_view text, level& out) noexcept {
    if (text == "debug") out = level::debug;
    else if (text == "info") out = level::info;
    else if (text == "warn") out = level::warn;
    else if (text == "error") out = level::error;
    else return false;
    return true;
}

void write(level l, std::string_view message) noexcept {
    try {
        auto now = std::chrono::system_clock::now();
        std::time_t seconds = std::chrono::system_clock::to_time_t(now);
        auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char stamp[32];
        size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
        std::string line = fmt::format("{}.{:03}Z {} [{}] {}\n", std::string_view(stamp, n), millis,
                                       level_names[static_cast<int>(l)], t_thread_name, message);
        // One write per line: lines of concurrent shards do not interleave.
        [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
    } catch (...) {
        // Logging must never take the broker down (allocation failure while formatting).
    }
}

} // namespace sluice::log
