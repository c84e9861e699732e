#pragma once
// lru_file_system: a file_system that keeps at most `max_open_files` files of another one
// open, so 100k partitions (3 files per segment) do not hold 300k descriptors. Every handle
// it returns is a proxy: it opens the real file on use, and the least recently used proxies
// give their descriptor back when the cap is reached. Segments and logs do not notice.
//
// Threads: the owner thread (the shard owning the partitions) makes every call, except
// file_handle::fdatasync(), which any thread may call (the flush service): it syncs the open
// descriptor, or a temporary one when the proxy's was given back (fdatasync of any descriptor
// of a file makes all its written data durable). A descriptor is closed only when nobody uses
// it, so an eviction never closes a file under a running fdatasync.
//
// native_handle() opens the file if needed and returns a descriptor valid until the next call
// that may evict (any open or use of another file): call it right before each sendfile(2).
// Nothing but fdatasync() may be called from another thread, not even native_handle() or the
// proxy's destructor (both update the LRU list): a file read on the owner thread and sent from
// another goes over as descriptor_owner(), the real file, which keeps its descriptor open
// whatever the LRU does meanwhile.
// Reopening checks that the path still names the same file (device and inode); a file
// removed or replaced since its proxy was evicted fails with io_error instead of reading
// another file's bytes.
//
// The inner file system must outlive this one, which must outlive its handles.
#include <cstddef>
#include <cstdint>
#include <list>

#include "storage/file_system.h"

namespace sluice::storage {

class lru_file;

class lru_file_system final : public file_system {
public:
    lru_file_system(file_system& inner, size_t max_open_files) noexcept;
    ~lru_file_system() override;

    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override;
    // A mapping holds no descriptor, so it is not counted against max_open_files.
    result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) override {
        return _inner.map_read_only(path);
    }
    storage_errc rename(const std::string& from, const std::string& to) override { return _inner.rename(from, to); }
    storage_errc remove(const std::string& path) override { return _inner.remove(path); }
    result<std::vector<std::string>> list_dir(const std::string& dir) override { return _inner.list_dir(dir); }
    storage_errc mkdir(const std::string& dir) override { return _inner.mkdir(dir); }
    storage_errc sync_dir(const std::string& dir) override { return _inner.sync_dir(dir); }
    bool exists(const std::string& path) override { return _inner.exists(path); }

    size_t max_open_files() const noexcept { return _max_open_files; }
    // Proxies holding a descriptor now (<= max_open_files).
    size_t open_files() const noexcept { return _open.size(); }
    // Opens of the inner file system, first ones included (reopens = opens - handles).
    uint64_t inner_opens() const noexcept { return _inner_opens; }
    uint64_t evictions() const noexcept { return _evictions; }

private:
    friend class lru_file;
    // A proxy opened its file or used it: most recent, and others evicted over the cap.
    void touch(lru_file& file);
    void forget(lru_file& file) noexcept;

    file_system& _inner;
    size_t _max_open_files;
    std::list<lru_file*> _open; // most recently used first
    uint64_t _inner_opens = 0;
    uint64_t _evictions = 0;
};

} // namespace sluice::storage
