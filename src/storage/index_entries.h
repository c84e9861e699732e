#pragma once
// index_entries<Entry>: the entries of a sparse index (.index or .timeindex) in memory, and
// their file. Entries are appended in memory on the append path and written to the file by
// write() when the segment is flushed or closed, so an append touches only the .log. The
// file holds exactly the written entries (no preallocation): docs/formats/segment.md.
//
// Entry provides: `static constexpr size_t bytes`, `void encode(uint8_t*) const`,
// `static Entry decode(const uint8_t*)`. Owned by one segment; one shard.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "storage/file_system.h"

namespace sluice::storage {

template <typename Entry>
class index_entries {
public:
    const std::vector<Entry>& entries() const noexcept { return _entries; }
    size_t size() const noexcept { return _entries.size(); }
    bool empty() const noexcept { return _entries.empty(); }
    const Entry& back() const noexcept { return _entries.back(); }

    void push_back(const Entry& entry) { _entries.push_back(entry); }

    // Keeps the first `count` entries; the file follows at the next write().
    void truncate(size_t count) {
        if (count >= _entries.size()) return;
        _entries.resize(count);
        if (_written > count) {
            _written = count;
            _file_truncate_needed = true;
        }
    }

    void clear() { truncate(0); _file_truncate_needed = true; }

    // Makes the file hold exactly the entries: truncates it if entries were removed, then
    // writes those not yet written.
    storage_errc write(file_handle& file) {
        if (_file_truncate_needed) {
            if (storage_errc e = file.truncate(_written * Entry::bytes); e != storage_errc::none) return e;
            _file_truncate_needed = false;
        }
        if (_written == _entries.size()) return storage_errc::none;
        byte_buffer buffer((_entries.size() - _written) * Entry::bytes);
        for (size_t i = _written; i < _entries.size(); ++i)
            _entries[i].encode(buffer.data() + (i - _written) * Entry::bytes);
        if (storage_errc e = file.write_at(_written * Entry::bytes, buffer); e != storage_errc::none) {
            _file_truncate_needed = true; // a short write may have left part of an entry
            return e;
        }
        _written = _entries.size();
        return storage_errc::none;
    }

    // Reads the file's entries. `corrupt` when its size is not a whole number of entries;
    // the caller checks their order and range.
    storage_errc read(file_handle& file) {
        _entries.clear();
        result<uint64_t> size = file.size();
        if (!size) return size.error();
        if (*size % Entry::bytes != 0) return storage_errc::corrupt;
        byte_buffer buffer(*size);
        result<size_t> n = file.read_at(0, buffer);
        if (!n) return n.error();
        if (*n != buffer.size()) return storage_errc::corrupt;
        for (size_t at = 0; at < buffer.size(); at += Entry::bytes) _entries.push_back(Entry::decode(buffer.data() + at));
        _written = _entries.size();
        _file_truncate_needed = false;
        return storage_errc::none;
    }

private:
    std::vector<Entry> _entries;
    size_t _written = 0; // a prefix of _entries known to be in the file
    bool _file_truncate_needed = false;
};

} // namespace sluice::storage
