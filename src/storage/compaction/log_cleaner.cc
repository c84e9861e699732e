#include "storage/compaction/log_cleaner.h"

#include <limits>

#include "protocol/batch_validator.h"
#include "storage/compaction/batch_filter.h"
#include "storage/compaction/segment_batch_reader.h"

namespace sluice::storage {

namespace {

int64_t saturating_add(int64_t a, int64_t b) noexcept {
    int64_t sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}

std::string cleaned_path(const log& l, model::offset base) {
    return join_path(l.dir(), segment_file_name(base, segment_format::log_extension) +
                                  std::string(compaction_format::cleaned_suffix));
}

} // namespace

result<compaction_result> log_cleaner::clean(log& l, const compaction_pass& pass) {
    transaction_policy default_transactions;
    transaction_policy& transactions = pass.transactions ? *pass.transactions : default_transactions;
    compaction_result out;
    out.first_dirty_offset = std::max(pass.first_dirty_offset, l.log_start_offset());
    auto range = find_cleanable_range(l, _config, pass.first_dirty_offset, pass.now_ms,
                                      pass.uncleanable_from.value_or(l.log_end_offset()));
    if (!range) return range.error();
    out.range = *range;
    if (!range->should_clean(_config)) return out;

    offset_map map(_config.offset_map_keys_max);
    transactions.begin_pass(cleaner_phase::build_offset_map, l.segment_at(range->first_dirty_segment).base_offset());
    auto end = build_offset_map(l, *range, map, transactions);
    if (!end) return end.error();
    // The clean section is cleaned again against the new map: its keys may have newer records
    // in the dirty section, and its tombstones' horizons may have passed.
    transactions.begin_pass(cleaner_phase::clean, l.segment_at(0).base_offset());
    for (size_t i = 0; i < *end; ++i)
        if (storage_errc e = clean_segment(l, i, map, pass.now_ms, transactions, out); e != storage_errc::none) return e;
    out.cleaned = true;
    out.first_dirty_offset = l.segment_at(*end).base_offset();
    return out;
}

result<size_t> log_cleaner::build_offset_map(log& l, const cleanable_range& range, offset_map& map,
                                             transaction_policy& transactions) {
    for (size_t i = range.first_dirty_segment; i < range.first_uncleanable_segment; ++i) {
        const segment& s = l.segment_at(i);
        segment_batch_reader reader(s.log_file(), s.size_bytes());
        for (;;) {
            auto batch = reader.next();
            if (!batch) return batch.error();
            if (!*batch) break;
            // Markers carry no keys of the topic; aborted records must not shadow committed ones.
            if ((*batch)->is_control() || transactions.is_aborted(**batch)) continue;
            auto opened = protocol::open_records(**batch, protocol::decompressed_batch_bytes_max_default, _scratch);
            if (opened.error != protocol::batch_error::none) return storage_errc::corrupt;
            protocol::record_view record;
            while (opened.reader.next(record))
                if (record.key) map.put(*record.key, protocol::record_offset(**batch, record));
            if (opened.reader.error() != protocol::batch_error::none) return storage_errc::corrupt;
        }
        // Kafka stops at the segment that fills the map; whole segments only, at least one.
        if (map.full()) return i + 1;
    }
    return range.first_uncleanable_segment;
}

storage_errc log_cleaner::clean_segment(log& l, size_t index, const offset_map& map, int64_t now_ms,
                                        transaction_policy& transactions, compaction_result& out) {
    const segment& s = l.segment_at(index);
    std::string path = cleaned_path(l, s.base_offset());
    auto file = l.fs().open(path, open_mode::create);
    if (!file) return file.error();
    storage_errc error = (*file)->truncate(0);
    result<bool> changed = false;
    if (error == storage_errc::none) {
        changed = write_cleaned(s, **file, map, now_ms, transactions, out);
        if (!changed) error = changed.error();
    }
    if (error == storage_errc::none && *changed) error = (*file)->fdatasync();
    if (error != storage_errc::none || !*changed) {
        // Nothing was committed: the old segment stays; the leftover goes (or at the next open).
        (void)l.fs().remove(path);
        return error;
    }
    if (storage_errc e = l.swap_in_cleaned_segment(index, path); e != storage_errc::none) return e;
    ++out.segments_rewritten;
    return storage_errc::none;
}

result<bool> log_cleaner::write_cleaned(const segment& s, file_handle& cleaned, const offset_map& map, int64_t now_ms,
                                        transaction_policy& transactions, compaction_result& out) {
    ++out.segments_cleaned;
    out.bytes_before += s.size_bytes();
    bool changed = false;
    segment_batch_reader reader(s.log_file(), s.size_bytes());
    const int64_t horizon_ms = saturating_add(now_ms, _config.delete_retention_ms);
    for (;;) {
        auto next = reader.next();
        if (!next) return next.error();
        if (!*next) break;
        const protocol::record_batch_view batch = **next;
        byte_view bytes = batch.bytes();
        batch_filter_output filtered;
        if (batch.is_control()) {
            if (transactions.may_remove_control_batch(batch, now_ms)) filtered.outcome = batch_outcome::removed;
        } else {
            const bool aborted = transactions.is_aborted(batch);
            // KIP-534: a tombstone goes once its batch's delete horizon has passed.
            const bool horizon_passed = batch.has_delete_horizon() && now_ms >= batch.base_timestamp();
            auto keep = [&](model::offset offset, const protocol::record_view& record) {
                if (aborted) return ++out.aborted_removed, false;
                if (!record.key) return ++out.keyless_removed, false;
                if (auto latest = map.get(*record.key); latest && offset < *latest)
                    return ++out.records_superseded, false;
                if (!record.value && horizon_passed) return ++out.tombstones_removed, false;
                return true;
            };
            auto result = filter_batch(batch, keep, {.delete_horizon_ms = horizon_ms,
                                                     .keep_empty = transactions.keep_empty(batch)}, _scratch);
            if (!result) return result.error();
            filtered = std::move(*result);
        }
        if (filtered.outcome == batch_outcome::removed) ++out.batches_removed;
        if (filtered.outcome == batch_outcome::rewritten) bytes = filtered.bytes;
        if (filtered.outcome != batch_outcome::unchanged) changed = true;
        if (filtered.outcome == batch_outcome::removed) continue;
        if (storage_errc e = cleaned.append(bytes); e != storage_errc::none) return e;
        out.bytes_after += bytes.size();
    }
    return changed;
}

} // namespace sluice::storage
