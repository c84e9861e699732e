#pragma once
// offset_index: a segment's sparse map from offset to the .log position of the batch holding
// it (the .index file, docs/formats/segment.md). Owned by one segment; one shard.
#include <cstdint>
#include <optional>
#include <string>

#include "base/endian.h"
#include "base/ids.h"
#include "storage/index_entries.h"
#include "storage/segment_format.h"

namespace sluice::storage {

struct offset_index_entry {
    static constexpr size_t bytes = segment_format::index_entry_bytes;
    int32_t relative_offset = 0;
    int32_t position = 0;

    void encode(uint8_t* out) const noexcept {
        be::store<int32_t>(out, relative_offset);
        be::store<int32_t>(out + 4, position);
    }
    static offset_index_entry decode(const uint8_t* in) noexcept {
        return {be::load<int32_t>(in), be::load<int32_t>(in + 4)};
    }
};

struct offset_position {
    model::offset offset;
    uint32_t position = 0;
};

class offset_index {
public:
    offset_index(model::offset base_offset, size_t max_entries) noexcept
        : _base_offset(base_offset), _max_entries(max_entries) {}

    bool full() const noexcept { return _entries.size() >= _max_entries; }
    size_t size() const noexcept { return _entries.size(); }
    std::optional<offset_position> last() const noexcept;

    // Offsets and positions strictly increase (asserted: a violation is a corrupt index).
    void append(model::offset offset, uint32_t position);
    // The entry with the largest offset <= target, or {base offset, 0} when there is none.
    offset_position lookup(model::offset target) const noexcept;
    // Removes the entries with offset >= `offset`.
    void truncate_to(model::offset offset);
    void clear() { _entries.clear(); }

    // Maps the file at `path`; `corrupt` unless entries increase and point inside
    // [0, log_size).
    storage_errc load(file_system& fs, const std::string& path, uint64_t log_size);
    storage_errc write(file_handle& file) { return _entries.write(file); }
    // Serves the written entries from a mapping of the file (a sealed segment).
    storage_errc map(file_system& fs, const std::string& path) { return _entries.map(fs, path); }
    bool mapped() const noexcept { return _entries.mapped(); }
    size_t heap_entries() const noexcept { return _entries.heap_entries(); }

private:
    model::offset absolute(const offset_index_entry& e) const noexcept {
        return model::offset(_base_offset.value() + e.relative_offset);
    }

    model::offset _base_offset;
    size_t _max_entries;
    index_entries<offset_index_entry> _entries;
};

} // namespace sluice::storage
