#pragma once
// memory_file_system: a file_system in memory for tests, with fault injection and crashes
// (like LevelDB's helpers/memenv + db/fault_injection_test.cc).
//
// Durability model: each file keeps the contents it had at its last fdatasync; crash()
// restores every file to them (optionally keeping a torn prefix of unsynced appended bytes)
// and invalidates every open handle. Creating, renaming and removing files are durable at
// once (sync_dir is a no-op): the model does not test lost directory entries.
//
// The file system must outlive its handles. Single-threaded, like the shard that uses it.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "storage/file_system.h"

namespace sluice::storage {

enum class fs_op : uint8_t { any, open, read, write, sync, truncate, size, rename, remove, list_dir, mkdir, map };

// A fault: the matching calls after the first `skip` ones fail with `error`, `count` times
// (-1: forever). A failing write first writes `short_write_bytes` of its data, if set.
struct fault_rule {
    fs_op op = fs_op::any;
    std::string path_contains; // empty: every path
    int skip = 0;
    int count = -1;
    storage_errc error = storage_errc::io_error;
    std::optional<size_t> short_write_bytes;
};

class memory_file_system final : public file_system {
public:
    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override;
    result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) override;
    storage_errc rename(const std::string& from, const std::string& to) override;
    storage_errc remove(const std::string& path) override;
    result<std::vector<std::string>> list_dir(const std::string& dir) override;
    storage_errc mkdir(const std::string& dir) override;
    storage_errc sync_dir(const std::string& dir) override;
    bool exists(const std::string& path) override;

    void inject(fault_rule rule) { _faults.push_back(std::move(rule)); }
    void clear_faults() noexcept { _faults.clear(); }

    // Power loss: every file goes back to its last synced contents, plus up to
    // `torn_tail_bytes` of the bytes appended after them (a partly written-back page).
    // Handles opened before are dead afterwards: every call on them fails with io_error.
    void crash(size_t torn_tail_bytes = 0);

    // Test access to a file's current bytes (empty when absent).
    byte_buffer contents(const std::string& path) const;
    // Replaces a file's bytes, synced (a test corrupting a file at rest).
    void set_contents(const std::string& path, byte_buffer bytes);

    // For memory_file: the fault, if any, a call must fail with.
    struct fault_hit {
        storage_errc error = storage_errc::none;
        std::optional<size_t> short_write_bytes;
    };
    fault_hit check_fault(fs_op op, const std::string& path);
    uint64_t generation() const noexcept { return _generation; }

    struct file_data {
        byte_buffer bytes;
        byte_buffer durable; // contents at the last fdatasync
    };

private:
    storage_errc rename_dir(const std::string& from, const std::string& to);

    std::map<std::string, std::shared_ptr<file_data>> _files;
    std::set<std::string> _dirs;
    std::vector<fault_rule> _faults;
    uint64_t _generation = 0;
};

} // namespace sluice::storage
