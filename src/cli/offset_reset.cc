#include "cli/offset_reset.h"

#include <charconv>
#include <chrono>
#include <ctime>
#include <limits>
#include <set>
#include <vector>

namespace sluice::cli {

namespace {

// Reads exactly `digits` decimal digits at `text[at]`, advancing `at`.
std::optional<int> read_digits(std::string_view text, size_t& at, size_t digits) {
    if (at + digits > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < digits; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += digits;
    return value;
}

bool read_char(std::string_view text, size_t& at, char expected) {
    if (at >= text.size() || text[at] != expected) return false;
    ++at;
    return true;
}

// The time zone suffix at `text[at]` to the end: minutes east of UTC; nullopt for a malformed
// one. An empty suffix is handled by the caller (local time).
std::optional<int> read_zone(std::string_view text, size_t at) {
    if (text.substr(at) == "Z") return 0;
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const int sign = text[at++] == '-' ? -1 : 1;
    const auto hours = read_digits(text, at, 2);
    if (!hours) return std::nullopt;
    int minutes = 0;
    if (at < text.size()) {
        read_char(text, at, ':');
        const auto mm = read_digits(text, at, 2);
        if (!mm || at != text.size()) return std::nullopt;
        minutes = *mm;
    }
    if (*hours > 23 || minutes > 59) return std::nullopt;
    return sign * (*hours * 60 + minutes);
}

int64_t saturating_add(int64_t a, int64_t b) noexcept {
    int64_t sum = 0;
    if (!__builtin_add_overflow(a, b, &sum)) return sum;
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

} // namespace

result<topic_partitions> parse_topic_partitions(std::string_view text) {
    const size_t colon = text.rfind(':');
    topic_partitions out;
    out.topic = std::string(text.substr(0, colon));
    if (out.topic.empty()) return failure{"--topic '" + std::string(text) + "': no topic name"};
    if (colon == std::string_view::npos) return out;
    std::string_view list = text.substr(colon + 1);
    std::set<int32_t> seen;
    while (true) {
        const size_t comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        int32_t partition = -1;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), partition);
        if (item.empty() || error != std::errc() || end != item.data() + item.size() || partition < 0)
            return failure{"--topic '" + std::string(text) + "': '" + std::string(item) + "' is not a partition"};
        if (!seen.insert(partition).second)
            return failure{"--topic '" + std::string(text) + "': partition " + std::to_string(partition) + " twice"};
        out.partitions.push_back(partition);
        if (comma == std::string_view::npos) break;
        list = list.substr(comma + 1);
    }
    return out;
}

result<int64_t> parse_datetime(std::string_view text) {
    const auto bad = [&] {
        return failure{"--to-datetime '" + std::string(text) +
                       "': expected YYYY-MM-DDTHH:MM:SS[.sss][Z|+HH:MM|-HH:MM] (no zone: local time)"};
    };
    size_t at = 0;
    const auto year = read_digits(text, at, 4);
    const bool dash1 = read_char(text, at, '-');
    const auto month = read_digits(text, at, 2);
    const bool dash2 = read_char(text, at, '-');
    const auto day = read_digits(text, at, 2);
    const bool t = read_char(text, at, 'T');
    const auto hour = read_digits(text, at, 2);
    const bool colon = read_char(text, at, ':');
    const auto minute = read_digits(text, at, 2);
    if (!year || !dash1 || !month || !dash2 || !day || !t || !hour || !colon || !minute) return bad();
    int second = 0;
    int64_t millis = 0;
    if (read_char(text, at, ':')) {
        const auto ss = read_digits(text, at, 2);
        if (!ss) return bad();
        second = *ss;
        if (read_char(text, at, '.')) {
            int64_t scale = 100;
            const size_t first = at;
            for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10) millis += (text[at] - '0') * scale;
            if (at == first) return bad();
        }
    }
    const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    // Second 60 is not accepted: Kafka's timestamps have no leap seconds.
    if (!date.ok() || *hour > 23 || *minute > 59 || second > 59) return bad();

    if (at == text.size()) {
        std::tm local{};
        local.tm_year = *year - 1900;
        local.tm_mon = *month - 1;
        local.tm_mday = *day;
        local.tm_hour = *hour;
        local.tm_min = *minute;
        local.tm_sec = second;
        local.tm_isdst = -1; // whether daylight saving time applies is the zone's rule
        const std::time_t seconds = std::mktime(&local);
        if (seconds == static_cast<std::time_t>(-1)) return bad();
        return int64_t{seconds} * 1000 + millis;
    }
    const auto zone_minutes = read_zone(text, at);
    if (!zone_minutes) return bad();
    const auto days = std::chrono::sys_days(date).time_since_epoch().count();
    const int64_t seconds = int64_t{days} * 86'400 + *hour * 3'600 + *minute * 60 + second - *zone_minutes * 60;
    return seconds * 1000 + millis;
}

int64_t clamp_offset(int64_t target, int64_t log_start, int64_t log_end) noexcept {
    if (target < log_start) return log_start;
    if (target > log_end) return log_end;
    return target;
}

result<int64_t> new_offset(const reset_target& target, const partition_position& p) {
    int64_t wanted = 0;
    if (std::holds_alternative<reset_to_earliest>(target)) {
        wanted = p.log_start;
    } else if (std::holds_alternative<reset_to_latest>(target)) {
        wanted = p.log_end;
    } else if (const auto* to = std::get_if<reset_to_offset>(&target)) {
        wanted = to->offset;
    } else if (std::holds_alternative<reset_to_timestamp>(target)) {
        wanted = p.at_timestamp.value_or(p.log_end);
    } else {
        if (!p.committed) return failure{"no committed offset to shift"};
        wanted = saturating_add(*p.committed, std::get<reset_shift_by>(target).delta);
    }
    return clamp_offset(wanted, p.log_start, p.log_end);
}

} // namespace sluice::cli
