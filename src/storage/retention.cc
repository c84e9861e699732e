#include "storage/retention.h"

namespace sluice::storage {

namespace {

enum class reason : uint8_t { keep, below_log_start, time, size };

// Why segment `i` may go, given the bytes the log would still hold with it.
reason deletion_reason(const log& l, size_t i, const retention_config& config, int64_t now_ms,
                       uint64_t remaining_bytes) {
    const segment& s = l.segment_at(i);
    if (l.segment_at(i + 1).base_offset() <= l.log_start_offset()) return reason::below_log_start;
    if (!config.delete_enabled) return reason::keep;
    if (config.retention_ms >= 0 && now_ms - s.max_timestamp() > config.retention_ms) return reason::time;
    if (config.retention_bytes >= 0 &&
        remaining_bytes - s.size_bytes() >= static_cast<uint64_t>(config.retention_bytes))
        return reason::size;
    return reason::keep;
}

} // namespace

result<retention_result> apply_retention(log& l, const retention_config& config, int64_t now_ms) {
    retention_result out;
    uint64_t remaining_bytes = 0;
    for (size_t i = 0; i < l.segment_count(); ++i) remaining_bytes += l.segment_at(i).size_bytes();
    size_t count = 0;
    // Never the last (active) segment: i + 1 < segment_count().
    for (; count + 1 < l.segment_count(); ++count) {
        reason why = deletion_reason(l, count, config, now_ms, remaining_bytes);
        if (why == reason::keep) break;
        uint64_t bytes = l.segment_at(count).size_bytes();
        remaining_bytes -= bytes;
        out.bytes_deleted += bytes;
        ++out.segments_deleted;
        ++(why == reason::below_log_start ? out.deleted_below_log_start
           : why == reason::time          ? out.deleted_by_time
                                          : out.deleted_by_size);
    }
    if (storage_errc e = l.delete_oldest_segments(count); e != storage_errc::none) return e;
    out.log_start_offset = l.log_start_offset();
    return out;
}

} // namespace sluice::storage
