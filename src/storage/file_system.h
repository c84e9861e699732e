#pragma once
// The file system behind an interface (STYLE.md: tests run in memory and inject faults).
// posix_file_system.h is the real one, memory_file_system.h the test one.
//
// Paths are plain strings joined with '/'. Errors are values (storage_errc). A file_handle is
// shared: a segment owns one and each file_range handed to a fetch holds another, so a file
// deleted by retention stays readable until the last range is sent (POSIX unlink semantics).
// Handles and file systems are used by one shard at a time; they do not lock.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "storage/storage_error.h"

namespace sluice::storage {

class file_handle {
public:
    virtual ~file_handle() = default;

    virtual const std::string& path() const noexcept = 0;
    // Reads up to buffer.size() bytes at `position`; fewer only at the end of the file.
    virtual result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) = 0;
    // Writes all of `data` at `position`, extending the file when needed. On an error a prefix
    // of `data` may have been written (a short write): callers truncate it away.
    virtual storage_errc write_at(uint64_t position, byte_view data) = 0;
    // write_at(size(), data).
    virtual storage_errc append(byte_view data) = 0;
    // Makes the file's data durable (not its directory entry: file_system::sync_dir).
    virtual storage_errc fdatasync() = 0;
    virtual storage_errc truncate(uint64_t size) = 0;
    virtual result<uint64_t> size() = 0;
    // The descriptor for sendfile(2), or -1 for a file that is not a kernel file (memory).
    virtual int native_handle() const noexcept = 0;
    // For handing the file to another thread (a fetch's sendfile on the connection's shard):
    // the handle that owns the descriptor, which stays open while the returned pointer lives
    // and needs nothing of this handle's owner thread. A proxy (lru_file_system) returns its
    // current real file; a plain handle returns nullptr: it is its own owner.
    virtual std::shared_ptr<file_handle> descriptor_owner() { return nullptr; }
};

// A read-only view of a whole file's bytes as they were when mapped: mmap(2) for POSIX (the
// bytes live in the page cache, not the heap), a copy for the memory file system. The file
// must not be truncated or rewritten while mapped (a POSIX access past a new end is SIGBUS):
// owners drop the mapping before they change the file. Holds no descriptor.
class mapped_file {
public:
    virtual ~mapped_file() = default;
    virtual byte_view bytes() const noexcept = 0;
};

enum class open_mode : uint8_t {
    existing,        // not_found when absent
    create,          // created empty when absent
};

class file_system {
public:
    virtual ~file_system() = default;

    virtual result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) = 0;
    // Maps an existing file read-only (an empty file maps to no bytes).
    virtual result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) = 0;
    // Atomically replaces `to` (rename(2)); a directory moves with its contents.
    virtual storage_errc rename(const std::string& from, const std::string& to) = 0;
    // A file, or an empty directory.
    virtual storage_errc remove(const std::string& path) = 0;
    // Names (not paths) of the entries directly in `dir`, sorted.
    virtual result<std::vector<std::string>> list_dir(const std::string& dir) = 0;
    // Creates `dir` and its missing parents; success when it exists already.
    virtual storage_errc mkdir(const std::string& dir) = 0;
    // Makes creations, renames and removals in `dir` durable.
    virtual storage_errc sync_dir(const std::string& dir) = 0;
    virtual bool exists(const std::string& path) = 0;
};

inline std::string join_path(const std::string& dir, std::string_view name) {
    std::string path = dir;
    if (!path.empty() && path.back() != '/') path += '/';
    path += name;
    return path;
}

} // namespace sluice::storage
