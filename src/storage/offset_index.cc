#include "storage/offset_index.h"

#include <algorithm>

#include "base/assert.h"

namespace sluice::storage {

std::optional<offset_position> offset_index::last() const noexcept {
    if (_entries.empty()) return std::nullopt;
    const offset_index_entry& e = _entries.back();
    return offset_position{absolute(e), static_cast<uint32_t>(e.position)};
}

void offset_index::append(model::offset offset, uint32_t position) {
    int64_t relative = offset.value() - _base_offset.value();
    SLUICE_ASSERT(relative >= 0 && relative <= segment_format::relative_offset_max, "index offset outside the segment");
    SLUICE_ASSERT(position <= static_cast<uint32_t>(INT32_MAX), "index position beyond 2^31");
    if (!_entries.empty()) {
        SLUICE_ASSERT(_entries.back().relative_offset < relative, "index offsets must increase");
        SLUICE_ASSERT(static_cast<uint32_t>(_entries.back().position) < position, "index positions must increase");
    }
    _entries.push_back({static_cast<int32_t>(relative), static_cast<int32_t>(position)});
}

offset_position offset_index::lookup(model::offset target) const noexcept {
    const auto& entries = _entries.entries();
    int64_t relative = target.value() - _base_offset.value();
    // First entry with offset > target; the one before it is the floor.
    auto it = std::upper_bound(entries.begin(), entries.end(), relative,
                               [](int64_t r, const offset_index_entry& e) { return r < e.relative_offset; });
    if (it == entries.begin()) return {_base_offset, 0};
    --it;
    return {absolute(*it), static_cast<uint32_t>(it->position)};
}

void offset_index::truncate_to(model::offset offset) {
    const auto& entries = _entries.entries();
    int64_t relative = offset.value() - _base_offset.value();
    auto it = std::lower_bound(entries.begin(), entries.end(), relative,
                               [](const offset_index_entry& e, int64_t r) { return e.relative_offset < r; });
    _entries.truncate(static_cast<size_t>(it - entries.begin()));
}

storage_errc offset_index::load(file_handle& file, uint64_t log_size) {
    if (storage_errc e = _entries.read(file); e != storage_errc::none) return e;
    const auto& entries = _entries.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const offset_index_entry& e = entries[i];
        bool in_range = e.relative_offset >= 0 && e.position >= 0 && static_cast<uint64_t>(e.position) < log_size;
        bool increasing = i == 0 || (entries[i - 1].relative_offset < e.relative_offset &&
                                     entries[i - 1].position < e.position);
        if (!in_range || !increasing) return storage_errc::corrupt;
    }
    if (entries.size() > _max_entries) return storage_errc::corrupt;
    return storage_errc::none;
}

} // namespace sluice::storage
