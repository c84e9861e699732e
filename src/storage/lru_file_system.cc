#include "storage/lru_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <mutex>

#include "base/assert.h"

namespace sluice::storage {

namespace {

// Device and inode alone are not enough: ext4 hands a freed inode number to the next file
// created. The birth time (statx) tells the two apart.
struct file_identity {
    uint64_t device = 0;
    uint64_t inode = 0;
    int64_t birth_s = 0;
    uint32_t birth_ns = 0;
    bool operator==(const file_identity&) const = default;
};

// The identity of a kernel file; zero for one without a descriptor (memory_file_system).
file_identity identity_of(const file_handle& file) {
    struct statx st {};
    if (file.native_handle() < 0 ||
        ::statx(file.native_handle(), "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &st) != 0)
        return {};
    file_identity id{(uint64_t{st.stx_dev_major} << 32) | st.stx_dev_minor, st.stx_ino, 0, 0};
    if (st.stx_mask & STATX_BTIME) {
        id.birth_s = st.stx_btime.tv_sec;
        id.birth_ns = st.stx_btime.tv_nsec;
    }
    return id;
}

} // namespace

class lru_file final : public file_handle {
public:
    lru_file(lru_file_system& fs, std::string path, std::shared_ptr<file_handle> file)
        : _fs(fs), _path(std::move(path)), _identity(identity_of(*file)), _file(std::move(file)) {}
    ~lru_file() override { _fs.forget(*this); }
    lru_file(const lru_file&) = delete;
    lru_file& operator=(const lru_file&) = delete;

    const std::string& path() const noexcept override { return _path; }

    result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) override {
        auto file = acquire();
        if (!file) return file.error();
        return (*file)->read_at(position, buffer);
    }
    storage_errc write_at(uint64_t position, byte_view data) override {
        auto file = acquire();
        if (!file) return file.error();
        return (*file)->write_at(position, data);
    }
    storage_errc append(byte_view data) override {
        auto file = acquire();
        if (!file) return file.error();
        return (*file)->append(data);
    }
    storage_errc truncate(uint64_t size) override {
        auto file = acquire();
        if (!file) return file.error();
        return (*file)->truncate(size);
    }
    result<uint64_t> size() override {
        auto file = acquire();
        if (!file) return file.error();
        return (*file)->size();
    }
    int native_handle() const noexcept override {
        auto file = const_cast<lru_file*>(this)->acquire();
        return file ? (*file)->native_handle() : -1;
    }
    // Owner thread. The real file: an eviction afterwards only drops this proxy's reference.
    std::shared_ptr<file_handle> descriptor_owner() override {
        auto file = acquire();
        return file ? std::move(*file) : nullptr;
    }

    // Any thread.
    storage_errc fdatasync() override {
        std::shared_ptr<file_handle> file;
        {
            std::lock_guard lock(_mutex);
            file = _file;
        }
        if (!file) {
            // Evicted: a temporary descriptor, not cached (the LRU belongs to the owner thread).
            auto reopened = reopen();
            if (!reopened) return reopened.error();
            file = std::move(*reopened);
        }
        return file->fdatasync();
    }

    // Owner thread, from lru_file_system.
    void evict() {
        std::lock_guard lock(_mutex);
        _file.reset(); // closes unless a concurrent fdatasync still holds it
    }
    bool in_lru = false;
    std::list<lru_file*>::iterator lru_position;

private:
    result<std::shared_ptr<file_handle>> acquire() {
        std::shared_ptr<file_handle> file;
        {
            std::lock_guard lock(_mutex);
            file = _file;
        }
        if (!file) {
            auto reopened = reopen();
            if (!reopened) return reopened.error();
            file = *reopened;
            std::lock_guard lock(_mutex);
            _file = file;
            ++_fs._inner_opens;
        }
        _fs.touch(*this);
        return file;
    }

    result<std::shared_ptr<file_handle>> reopen() const {
        auto file = _fs._inner.open(_path, open_mode::existing);
        if (!file) return file.error() == storage_errc::not_found ? storage_errc::io_error : file.error();
        if (identity_of(**file) != _identity) return storage_errc::io_error; // removed or replaced
        return file;
    }

    lru_file_system& _fs;
    const std::string _path;
    const file_identity _identity;
    std::mutex _mutex; // guards _file against the flush service's fdatasync
    std::shared_ptr<file_handle> _file;
};

lru_file_system::lru_file_system(file_system& inner, size_t max_open_files) noexcept
    : _inner(inner), _max_open_files(max_open_files > 0 ? max_open_files : 1) {}

lru_file_system::~lru_file_system() {
    SLUICE_ASSERT(_open.empty(), "lru_file_system destroyed before its handles");
}

result<std::shared_ptr<file_handle>> lru_file_system::open(const std::string& path, open_mode mode) {
    auto file = _inner.open(path, mode);
    if (!file) return file.error();
    ++_inner_opens;
    auto proxy = std::make_shared<lru_file>(*this, path, std::move(*file));
    touch(*proxy);
    return std::shared_ptr<file_handle>(std::move(proxy));
}

void lru_file_system::touch(lru_file& file) {
    if (file.in_lru) {
        _open.splice(_open.begin(), _open, file.lru_position);
        return;
    }
    _open.push_front(&file);
    file.lru_position = _open.begin();
    file.in_lru = true;
    while (_open.size() > _max_open_files) {
        lru_file* victim = _open.back();
        _open.pop_back();
        victim->in_lru = false;
        victim->evict();
        ++_evictions;
    }
}

void lru_file_system::forget(lru_file& file) noexcept {
    if (!file.in_lru) return;
    _open.erase(file.lru_position);
    file.in_lru = false;
}

} // namespace sluice::storage
