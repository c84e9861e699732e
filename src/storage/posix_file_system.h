#pragma once
// file_system over POSIX calls: pread/pwrite (retried on EINTR and short counts),
// fdatasync, ftruncate, rename, unlink, and fsync of a directory for sync_dir.
#include "storage/file_system.h"

namespace sluice::storage {

class posix_file_system final : public file_system {
public:
    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override;
    result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) override;
    storage_errc rename(const std::string& from, const std::string& to) override;
    storage_errc remove(const std::string& path) override;
    result<std::vector<std::string>> list_dir(const std::string& dir) override;
    storage_errc mkdir(const std::string& dir) override;
    storage_errc sync_dir(const std::string& dir) override;
    bool exists(const std::string& path) override;
};

// The storage error an errno stands for.
storage_errc errc_from_errno(int error) noexcept;

} // namespace sluice::storage
