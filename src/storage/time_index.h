#pragma once
// time_index: a segment's sparse map from timestamp to offset (the .timeindex file,
// docs/formats/segment.md). Entry i holds the largest batch max_timestamp seen up to an
// indexing point, and the last offset of the batch that first reached it; both columns
// increase. Owned by one segment; one shard.
#include <cstdint>
#include <optional>
#include <string>

#include "base/endian.h"
#include "base/ids.h"
#include "storage/index_entries.h"
#include "storage/segment_format.h"

namespace sluice::storage {

struct time_index_entry {
    static constexpr size_t bytes = segment_format::time_index_entry_bytes;
    int64_t timestamp = 0;
    int32_t relative_offset = 0;

    void encode(uint8_t* out) const noexcept {
        be::store<int64_t>(out, timestamp);
        be::store<int32_t>(out + 8, relative_offset);
    }
    static time_index_entry decode(const uint8_t* in) noexcept {
        return {be::load<int64_t>(in), be::load<int32_t>(in + 8)};
    }
};

struct timestamp_offset {
    int64_t timestamp = -1;
    model::offset offset;
};

class time_index {
public:
    time_index(model::offset base_offset, size_t max_entries) noexcept
        : _base_offset(base_offset), _max_entries(max_entries) {}

    bool full() const noexcept { return _entries.size() >= _max_entries; }
    size_t size() const noexcept { return _entries.size(); }
    std::optional<timestamp_offset> last() const noexcept;

    // Kafka's maybeAppend: only a timestamp larger than the last entry's is added.
    // `ignore_full` for the final entry of a segment that stops being active.
    void maybe_append(int64_t timestamp, model::offset offset, bool ignore_full = false);
    // The entry with the largest timestamp <= target; {-1, base offset} when none.
    timestamp_offset lookup(int64_t target) const noexcept;
    // Removes the entries with offset >= `offset`.
    void truncate_to(model::offset offset);
    void clear() { _entries.clear(); }

    // Maps the file at `path`; `corrupt` unless both columns increase and offsets are below
    // next_offset_max.
    storage_errc load(file_system& fs, const std::string& path, model::offset next_offset_max);
    storage_errc write(file_handle& file) { return _entries.write(file); }
    // Serves the written entries from a mapping of the file (a sealed segment).
    storage_errc map(file_system& fs, const std::string& path) { return _entries.map(fs, path); }
    bool mapped() const noexcept { return _entries.mapped(); }
    size_t heap_entries() const noexcept { return _entries.heap_entries(); }

private:
    model::offset absolute(const time_index_entry& e) const noexcept {
        return model::offset(_base_offset.value() + e.relative_offset);
    }

    model::offset _base_offset;
    size_t _max_entries;
    index_entries<time_index_entry> _entries;
};

} // namespace sluice::storage
