#include "storage/time_index.h"

#include "base/assert.h"

namespace sluice::storage {

std::optional<timestamp_offset> time_index::last() const noexcept {
    if (_entries.empty()) return std::nullopt;
    time_index_entry e = _entries.back();
    return timestamp_offset{e.timestamp, absolute(e)};
}

void time_index::maybe_append(int64_t timestamp, model::offset offset, bool ignore_full) {
    std::optional<time_index_entry> back;
    if (!_entries.empty()) back = _entries.back();
    if (back && timestamp <= back->timestamp) return;
    if (full() && !ignore_full) return;
    int64_t relative = offset.value() - _base_offset.value();
    SLUICE_ASSERT(relative >= 0 && relative <= segment_format::relative_offset_max, "time index offset outside the segment");
    // Offsets may repeat only if timestamps increased within one batch's last offset: never,
    // since an entry is added at most once per batch. Equal offsets would break lookups.
    if (back && back->relative_offset >= relative) return;
    _entries.push_back({timestamp, static_cast<int32_t>(relative)});
}

timestamp_offset time_index::lookup(int64_t target) const noexcept {
    size_t after = _entries.partition_point([target](const time_index_entry& e) { return target < e.timestamp; });
    if (after == 0) return {-1, _base_offset};
    time_index_entry e = _entries.at(after - 1);
    return {e.timestamp, absolute(e)};
}

void time_index::truncate_to(model::offset offset) {
    // Both columns increase, so the entries at or past `offset` are a suffix.
    int64_t relative = offset.value() - _base_offset.value();
    _entries.truncate(_entries.partition_point([relative](const time_index_entry& e) { return e.relative_offset >= relative; }));
}

storage_errc time_index::load(file_system& fs, const std::string& path, model::offset next_offset_max) {
    if (storage_errc e = _entries.load(fs, path); e != storage_errc::none) return e;
    if (_entries.size() > _max_entries + 1) return storage_errc::corrupt; // + the final entry
    time_index_entry previous;
    for (size_t i = 0; i < _entries.size(); ++i) {
        time_index_entry e = _entries.at(i);
        bool in_range = e.relative_offset >= 0 && absolute(e) < next_offset_max;
        bool increasing = i == 0 || (previous.timestamp < e.timestamp && previous.relative_offset < e.relative_offset);
        if (!in_range || !increasing) return storage_errc::corrupt;
        previous = e;
    }
    return storage_errc::none;
}

} // namespace sluice::storage
