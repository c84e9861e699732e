#include "storage/posix_file_system.h"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace sluice::storage {

storage_errc errc_from_errno(int error) noexcept {
    switch (error) {
    case 0: return storage_errc::none;
    case ENOENT: return storage_errc::not_found;
    case EEXIST: return storage_errc::already_exists;
    case ENOSPC:
    case EDQUOT: return storage_errc::no_space;
    case EINVAL:
    case ENOTDIR:
    case EISDIR: return storage_errc::invalid_argument;
    default: return storage_errc::io_error;
    }
}

namespace {

storage_errc last_error() noexcept { return errc_from_errno(errno); }

class posix_file final : public file_handle {
public:
    posix_file(std::string path, int fd) noexcept : _path(std::move(path)), _fd(fd) {}
    ~posix_file() override { ::close(_fd); }
    posix_file(const posix_file&) = delete;
    posix_file& operator=(const posix_file&) = delete;

    const std::string& path() const noexcept override { return _path; }
    int native_handle() const noexcept override { return _fd; }

    result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) override {
        size_t done = 0;
        while (done < buffer.size()) {
            ssize_t n = ::pread(_fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(position + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return last_error();
            }
            if (n == 0) break; // end of file
            done += static_cast<size_t>(n);
        }
        return done;
    }

    storage_errc write_at(uint64_t position, byte_view data) override {
        size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::pwrite(_fd, data.data() + done, data.size() - done, static_cast<off_t>(position + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return last_error();
            }
            done += static_cast<size_t>(n); // a short count is retried: the next call reports why
        }
        return storage_errc::none;
    }

    storage_errc append(byte_view data) override {
        result<uint64_t> end = size();
        if (!end) return end.error();
        return write_at(*end, data);
    }

    storage_errc fdatasync() override { return ::fdatasync(_fd) == 0 ? storage_errc::none : last_error(); }

    storage_errc truncate(uint64_t size) override {
        return ::ftruncate(_fd, static_cast<off_t>(size)) == 0 ? storage_errc::none : last_error();
    }

    result<uint64_t> size() override {
        struct stat st {};
        if (::fstat(_fd, &st) != 0) return last_error();
        return static_cast<uint64_t>(st.st_size);
    }

private:
    std::string _path;
    int _fd;
};

class posix_mapping final : public mapped_file {
public:
    posix_mapping(const void* address, size_t size) noexcept : _address(address), _size(size) {}
    ~posix_mapping() override {
        if (_size > 0) ::munmap(const_cast<void*>(_address), _size);
    }
    posix_mapping(const posix_mapping&) = delete;
    posix_mapping& operator=(const posix_mapping&) = delete;

    byte_view bytes() const noexcept override { return {static_cast<const uint8_t*>(_address), _size}; }

private:
    const void* _address;
    size_t _size;
};

} // namespace

result<std::shared_ptr<const mapped_file>> posix_file_system::map_read_only(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return last_error();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        storage_errc error = last_error();
        ::close(fd);
        return error;
    }
    size_t size = static_cast<size_t>(st.st_size);
    void* address = nullptr;
    if (size > 0) { // mmap(2) refuses a length of 0
        address = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        if (address == MAP_FAILED) {
            storage_errc error = last_error();
            ::close(fd);
            return error;
        }
    }
    ::close(fd); // the mapping keeps the file
    return std::shared_ptr<const mapped_file>(std::make_shared<posix_mapping>(address, size));
}

result<std::shared_ptr<file_handle>> posix_file_system::open(const std::string& path, open_mode mode) {
    int flags = O_RDWR | O_CLOEXEC;
    if (mode == open_mode::create) flags |= O_CREAT;
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return last_error();
    return std::shared_ptr<file_handle>(std::make_shared<posix_file>(path, fd));
}

storage_errc posix_file_system::rename(const std::string& from, const std::string& to) {
    return ::rename(from.c_str(), to.c_str()) == 0 ? storage_errc::none : last_error();
}

storage_errc posix_file_system::remove(const std::string& path) {
    if (::unlink(path.c_str()) == 0) return storage_errc::none;
    // An empty directory (a deleted partition's, log_manager.cc).
    if (errno == EISDIR && ::rmdir(path.c_str()) == 0) return storage_errc::none;
    return last_error();
}

result<std::vector<std::string>> posix_file_system::list_dir(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return last_error();
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(d)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

storage_errc posix_file_system::mkdir(const std::string& dir) {
    // Each prefix ending before a '/', then the whole path.
    for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
        std::string prefix = dir.substr(0, slash);
        if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return last_error();
        if (slash == std::string::npos) break;
    }
    return storage_errc::none;
}

storage_errc posix_file_system::sync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_error();
    storage_errc error = ::fsync(fd) == 0 ? storage_errc::none : last_error();
    ::close(fd);
    return error;
}

bool posix_file_system::exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace sluice::storage
