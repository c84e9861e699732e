#pragma once
// index_entries<Entry>: the entries of a sparse index (.index or .timeindex), and their file.
// They live in one of two places:
// - in memory (the active segment): appended on the append path and written to the file by
//   write() when the segment is flushed or sealed, so an append touches only the .log;
// - in a read-only mapping of the file (a sealed or reopened segment): lookups decode the
//   big-endian entries in place, so an idle segment's index is in the page cache, not the heap.
// Any change (append, truncate) first copies a mapping's entries into memory and drops it,
// so a mapped file is never changed. The file holds exactly the written entries (no
// preallocation): docs/formats/segment.md.
//
// Entry provides: `static constexpr size_t bytes`, `void encode(uint8_t*) const`,
// `static Entry decode(const uint8_t*)`. Owned by one segment; one shard.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "storage/file_system.h"

namespace sluice::storage {

template <typename Entry>
class index_entries {
public:
    size_t size() const noexcept { return _mapping ? _mapped_count : _entries.size(); }
    bool empty() const noexcept { return size() == 0; }
    Entry at(size_t i) const noexcept {
        return _mapping ? Entry::decode(_mapping->bytes().data() + i * Entry::bytes) : _entries[i];
    }
    Entry back() const noexcept { return at(size() - 1); }
    // The first i in [0, size()) for which `is_after(at(i))`, size() when none; `is_after`
    // must be false then true along the entries (std::partition_point).
    template <typename Predicate>
    size_t partition_point(Predicate is_after) const {
        size_t low = 0, high = size();
        while (low < high) {
            size_t middle = low + (high - low) / 2;
            if (is_after(at(middle))) high = middle;
            else low = middle + 1;
        }
        return low;
    }

    bool mapped() const noexcept { return _mapping != nullptr; }
    // Entries held on the heap (0 while mapped).
    size_t heap_entries() const noexcept { return _entries.size(); }

    void push_back(const Entry& entry) {
        unmap();
        _entries.push_back(entry);
    }

    // Keeps the first `count` entries; the file follows at the next write().
    void truncate(size_t count) {
        if (count >= size()) return;
        unmap();
        _entries.resize(count);
        if (_written > count) {
            _written = count;
            _file_truncate_needed = true;
        }
    }

    void clear() {
        _mapping.reset();
        _mapped_count = 0;
        _entries.clear();
        _written = 0;
        _file_truncate_needed = true;
    }

    // Makes the file hold exactly the entries: truncates it if entries were removed, then
    // writes those not yet written. Nothing to do while mapped (the file is the entries).
    storage_errc write(file_handle& file) {
        if (_file_truncate_needed) {
            if (storage_errc e = file.truncate(_written * Entry::bytes); e != storage_errc::none) return e;
            _file_truncate_needed = false;
        }
        if (_written == size()) return storage_errc::none;
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

    // Serves the entries from a mapping of the file at `path`, which must hold exactly them
    // (written, nothing pending). On an error the entries stay in memory.
    storage_errc map(file_system& fs, const std::string& path) {
        if (_mapping || _file_truncate_needed || _written != _entries.size()) return storage_errc::invalid_argument;
        auto mapping = fs.map_read_only(path);
        if (!mapping) return mapping.error();
        if ((*mapping)->bytes().size() != _written * Entry::bytes) return storage_errc::corrupt;
        install(std::move(*mapping));
        return storage_errc::none;
    }

    // Maps the file at `path` as the entries. `corrupt` when its size is not a whole number
    // of entries; the caller checks their order and range.
    storage_errc load(file_system& fs, const std::string& path) {
        clear();
        auto mapping = fs.map_read_only(path);
        if (!mapping) return mapping.error();
        if ((*mapping)->bytes().size() % Entry::bytes != 0) return storage_errc::corrupt;
        install(std::move(*mapping));
        return storage_errc::none;
    }

private:
    void install(std::shared_ptr<const mapped_file> mapping) {
        _mapped_count = mapping->bytes().size() / Entry::bytes;
        _mapping = std::move(mapping);
        _entries = {};
        _written = _mapped_count;
        _file_truncate_needed = false;
    }

    // Back to memory before a change: the mapped file must not change under the mapping.
    void unmap() {
        if (!_mapping) return;
        _entries.reserve(_mapped_count);
        for (size_t i = 0; i < _mapped_count; ++i) _entries.push_back(at(i));
        _mapping.reset();
        _mapped_count = 0;
    }

    std::vector<Entry> _entries;
    std::shared_ptr<const mapped_file> _mapping;
    size_t _mapped_count = 0;
    size_t _written = 0; // a prefix of the entries known to be in the file
    bool _file_truncate_needed = false;
};

} // namespace sluice::storage
