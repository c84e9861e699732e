#include "storage/offset_index.h"

#include "base/assert.h"

namespace sluice::storage {

std::optional<offset_position> offset_index::last() const noexcept {
    if (_entries.empty()) return std::nullopt;
    offset_index_entry e = _entries.back();
    return offset_position{absolute(e), static_cast<uint32_t>(e.position)};
}

void offset_index::append(model::offset offset, uint32_t position) {
    int64_t relative = offset.value() - _base_offset.value();
    SLUICE_ASSERT(relative >= 0 && relative <= segment_format::relative_offset_max, "index offset outside the segment");
    SLUICE_ASSERT(position <= static_cast<uint32_t>(INT32_MAX), "index position beyond 2^31");
    if (!_entries.empty()) {
        offset_index_entry back = _entries.back();
        SLUICE_ASSERT(back.relative_offset < relative, "index offsets must increase");
        SLUICE_ASSERT(static_cast<uint32_t>(back.position) < position, "index positions must increase");
    }
    _entries.push_back({static_cast<int32_t>(relative), static_cast<int32_t>(position)});
}

offset_position offset_index::lookup(model::offset target) const noexcept {
    int64_t relative = target.value() - _base_offset.value();
    // First entry with offset > target; the one before it is the floor.
    size_t after = _entries.partition_point([relative](const offset_index_entry& e) { return relative < e.relative_offset; });
    if (after == 0) return {_base_offset, 0};
    offset_index_entry e = _entries.at(after - 1);
    return {absolute(e), static_cast<uint32_t>(e.position)};
}

void offset_index::truncate_to(model::offset offset) {
    int64_t relative = offset.value() - _base_offset.value();
    _entries.truncate(_entries.partition_point([relative](const offset_index_entry& e) { return e.relative_offset >= relative; }));
}

storage_errc offset_index::load(file_system& fs, const std::string& path, uint64_t log_size) {
    if (storage_errc e = _entries.load(fs, path); e != storage_errc::none) return e;
    if (_entries.size() > _max_entries) return storage_errc::corrupt;
    offset_index_entry previous;
    for (size_t i = 0; i < _entries.size(); ++i) {
        offset_index_entry e = _entries.at(i);
        bool in_range = e.relative_offset >= 0 && e.position >= 0 && static_cast<uint64_t>(e.position) < log_size;
        bool increasing = i == 0 || (previous.relative_offset < e.relative_offset && previous.position < e.position);
        if (!in_range || !increasing) return storage_errc::corrupt;
        previous = e;
    }
    return storage_errc::none;
}

} // namespace sluice::storage
