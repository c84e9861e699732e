#pragma once
// log: leveled log lines on stderr, `2025-01-31T12:00:00.123Z INFO  [shard 0] message`.
//
// Any thread may log; each line is written with one write(2), so lines from different shards
// never interleave. The level is process-wide (set at start-up); the thread name (`main`,
// `shard 3`) is per thread.
#include <cstdint>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace sluice::log {

enum class level : uint8_t { debug, info, warn, error };

void set_level(level l) noexcept;
bool enabled(level l) noexcept;
// The name shown in this thread's lines.
void set_thread_name(std::string_view name);
// Writes one line (a newline is added).
void write(level l, std::string_view message) noexcept;
// "debug", "info", "warn", "error"; false for anything else.
bool parse_level(std::string_view text, level& out) noexcept;

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::debug)) write(level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::info)) write(level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::warn)) write(level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(level::error)) write(level::error, fmt::format(f, std::forward<Args>(args)...));
}

} // namespace sluice::log
