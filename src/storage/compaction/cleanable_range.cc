#include "storage/compaction/cleanable_range.h"

#include <algorithm>

#include "storage/batch_header_reader.h"

namespace sluice::storage {

namespace {

// The first segment from `from` on whose records may not be cleaned yet.
size_t first_uncleanable(const log& l, const compaction_config& config, size_t from, int64_t now_ms,
                         model::offset uncleanable_from) {
    size_t active = l.segment_count() - 1;
    for (size_t i = from; i < active; ++i) {
        const segment& s = l.segment_at(i);
        if (s.next_offset() > uncleanable_from) return i;
        // Kafka: with a lag of 0 every non-active segment is cleanable, whatever its timestamps.
        if (config.min_compaction_lag_ms > 0 && now_ms - s.max_timestamp() < config.min_compaction_lag_ms) return i;
    }
    return active;
}

} // namespace

result<cleanable_range> find_cleanable_range(const log& l, const compaction_config& config,
                                             model::offset first_dirty_offset, int64_t now_ms,
                                             model::offset uncleanable_from) {
    cleanable_range out;
    first_dirty_offset = std::max(first_dirty_offset, l.log_start_offset());
    // The segment holding the first dirty offset; passes end at segment boundaries, so it
    // normally starts there.
    size_t active = l.segment_count() - 1;
    while (out.first_dirty_segment < active && l.segment_at(out.first_dirty_segment).next_offset() <= first_dirty_offset)
        ++out.first_dirty_segment;
    out.first_uncleanable_segment = first_uncleanable(l, config, out.first_dirty_segment, now_ms, uncleanable_from);
    for (size_t i = 0; i < out.first_dirty_segment; ++i) out.clean_bytes += l.segment_at(i).size_bytes();
    for (size_t i = out.first_dirty_segment; i < out.first_uncleanable_segment; ++i)
        out.dirty_bytes += l.segment_at(i).size_bytes();
    uint64_t total = out.clean_bytes + out.dirty_bytes;
    out.dirty_ratio = total == 0 ? 0.0 : static_cast<double>(out.dirty_bytes) / static_cast<double>(total);

    // Kafka uses the first dirty segment's first batch timestamp (LogSegment.getFirstBatchTimestamp).
    if (config.max_compaction_lag_ms != compaction_format::max_compaction_lag_ms_default && out.dirty_bytes > 0) {
        const segment& s = l.segment_at(out.first_dirty_segment);
        auto first = read_batch_header(*s.log_file(), 0, s.size_bytes());
        if (!first) return first.error();
        if (*first && (*first)->max_timestamp >= 0)
            out.max_lag_exceeded = now_ms - (*first)->max_timestamp > config.max_compaction_lag_ms;
    }
    return out;
}

} // namespace sluice::storage
