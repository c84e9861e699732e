#pragma once
// offset_reset: the arithmetic of `sluice group reset-offsets` (docs/cli.md), apart from any
// client: the --topic and --to-datetime arguments, and the new committed offset of one
// partition from its log bounds and the group's current offset. Pure functions.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/options.h"
#include "cli/result.h"

namespace sluice::cli {

// "T" (every partition of T) or "T:P[,P...]" (those partitions, each at most once). The topic
// name is everything before the last ':' so that the partition list is unambiguous.
result<topic_partitions> parse_topic_partitions(std::string_view text);

// An ISO 8601 date and time, "YYYY-MM-DDTHH:MM:SS[.fraction]" followed by "Z", "+HH:MM",
// "-HH:MM", "+HHMM" or "+HH" — or by nothing, meaning the local time zone, as
// kafka-consumer-groups.sh reads it. Seconds may be left out ("YYYY-MM-DDTHH:MM"). The result
// is milliseconds since the epoch (the fraction truncated to milliseconds).
result<int64_t> parse_datetime(std::string_view text);

// What is known about one partition when its new offset is chosen.
struct partition_position {
    int64_t log_start = 0;
    int64_t log_end = 0;                   // the high watermark
    std::optional<int64_t> committed;      // the group's committed offset, if any
    std::optional<int64_t> at_timestamp;   // --to-datetime: the first offset at or after it, if any
};

// `target` clamped into [log_start, log_end], as Kafka's tool does: a reset never points before
// the log start or beyond the log end.
int64_t clamp_offset(int64_t target, int64_t log_start, int64_t log_end) noexcept;

// The new committed offset of a partition, clamped. --to-datetime past the last record is the
// log end; --shift-by without a committed offset is a failure (there is nothing to shift).
result<int64_t> new_offset(const reset_target& target, const partition_position& position);

} // namespace sluice::cli
