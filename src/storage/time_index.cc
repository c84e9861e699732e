#include "storage/time_index.h"

#include <algorithm>

#include "base/assert.h"

namespace sluice::storage {

std::optional<timestamp_offset> time_index::last() const noexcept {
    if (_entries.empty()) return std::nullopt;
    return timestamp_offset{_entries.back().timestamp, absolute(_entries.back())};
}

void time_index::maybe_append(int64_t timestamp, model::offset offset, bool ignore_full) {
    if (!_entries.empty() && timestamp <= _entries.back().timestamp) return;
    if (full() && !ignore_full) return;
    int64_t relative = offset.value() - _base_offset.value();
    SLUICE_ASSERT(relative >= 0 && relative <= segment_format::relative_offset_max, "time index offset outside the segment");
    // Offsets may repeat only if timestamps increased within one batch's last offset: never,
    // since an entry is added at most once per batch. Equal offsets would break lookups.
    if (!_entries.empty() && _entries.back().relative_offset >= relative) return;
    _entries.push_back({timestamp, static_cast<int32_t>(relative)});
}

timestamp_offset time_index::lookup(int64_t target) const noexcept {
    const auto& entries = _entries.entries();
    auto it = std::upper_bound(entries.begin(), entries.end(), target,
                               [](int64_t t, const time_index_entry& e) { return t < e.timestamp; });
    if (it == entries.begin()) return {-1, _base_offset};
    --it;
    return {it->timestamp, absolute(*it)};
}

void time_index::truncate_to(model::offset offset) {
    const auto& entries = _entries.entries();
    int64_t relative = offset.value() - _base_offset.value();
    auto it = std::find_if(entries.begin(), entries.end(),
                           [relative](const time_index_entry& e) { return e.relative_offset >= relative; });
    _entries.truncate(static_cast<size_t>(it - entries.begin()));
}

storage_errc time_index::load(file_handle& file, model::offset next_offset_max) {
    if (storage_errc e = _entries.read(file); e != storage_errc::none) return e;
    const auto& entries = _entries.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const time_index_entry& e = entries[i];
        bool in_range = e.relative_offset >= 0 && absolute(e) < next_offset_max;
        bool increasing = i == 0 || (entries[i - 1].timestamp < e.timestamp &&
                                     entries[i - 1].relative_offset < e.relative_offset);
        if (!in_range || !increasing) return storage_errc::corrupt;
    }
    if (entries.size() > _max_entries + 1) return storage_errc::corrupt; // + the final entry
    return storage_errc::none;
}

} // namespace sluice::storage
