#include "storage/memory_file_system.h"

#include <algorithm>
#include <cstring>

namespace sluice::storage {
namespace {

std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

class memory_file final : public file_handle {
public:
    memory_file(memory_file_system& fs, std::string path, std::shared_ptr<memory_file_system::file_data> data)
        : _fs(fs), _path(std::move(path)), _data(std::move(data)), _generation(fs.generation()) {}

    const std::string& path() const noexcept override { return _path; }
    int native_handle() const noexcept override { return -1; }

    result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) override {
        if (storage_errc e = check(fs_op::read).error; e != storage_errc::none) return e;
        const byte_buffer& bytes = _data->bytes;
        if (position >= bytes.size()) return size_t{0};
        size_t n = std::min<size_t>(buffer.size(), bytes.size() - position);
        std::memcpy(buffer.data(), bytes.data() + position, n);
        return n;
    }

    storage_errc write_at(uint64_t position, byte_view data) override {
        memory_file_system::fault_hit hit = check(fs_op::write);
        if (hit.error != storage_errc::none) {
            if (hit.short_write_bytes) put(position, data.first(std::min(*hit.short_write_bytes, data.size())));
            return hit.error;
        }
        put(position, data);
        return storage_errc::none;
    }

    storage_errc append(byte_view data) override { return write_at(_data->bytes.size(), data); }

    storage_errc fdatasync() override {
        if (storage_errc e = check(fs_op::sync).error; e != storage_errc::none) return e;
        _data->durable = _data->bytes;
        return storage_errc::none;
    }

    storage_errc truncate(uint64_t size) override {
        if (storage_errc e = check(fs_op::truncate).error; e != storage_errc::none) return e;
        _data->bytes.resize(size);
        return storage_errc::none;
    }

    result<uint64_t> size() override {
        if (storage_errc e = check(fs_op::size).error; e != storage_errc::none) return e;
        return uint64_t{_data->bytes.size()};
    }

private:
    memory_file_system::fault_hit check(fs_op op) {
        if (_generation != _fs.generation()) return {storage_errc::io_error, std::nullopt};
        return _fs.check_fault(op, _path);
    }

    void put(uint64_t position, byte_view data) {
        byte_buffer& bytes = _data->bytes;
        if (bytes.size() < position + data.size()) bytes.resize(position + data.size());
        std::copy(data.begin(), data.end(), bytes.begin() + static_cast<ptrdiff_t>(position));
    }

    memory_file_system& _fs;
    std::string _path;
    std::shared_ptr<memory_file_system::file_data> _data;
    uint64_t _generation;
};

// A copy of the bytes: the file's buffer may grow (and move) after the mapping is made.
class memory_mapping final : public mapped_file {
public:
    explicit memory_mapping(byte_buffer bytes) noexcept : _bytes(std::move(bytes)) {}
    byte_view bytes() const noexcept override { return _bytes; }

private:
    byte_buffer _bytes;
};

} // namespace

result<std::shared_ptr<const mapped_file>> memory_file_system::map_read_only(const std::string& path) {
    if (storage_errc e = check_fault(fs_op::map, path).error; e != storage_errc::none) return e;
    auto it = _files.find(path);
    if (it == _files.end()) return storage_errc::not_found;
    return std::shared_ptr<const mapped_file>(std::make_shared<memory_mapping>(it->second->bytes));
}

memory_file_system::fault_hit memory_file_system::check_fault(fs_op op, const std::string& path) {
    for (fault_rule& rule : _faults) {
        if (rule.count == 0) continue;
        if (rule.op != fs_op::any && rule.op != op) continue;
        if (!rule.path_contains.empty() && path.find(rule.path_contains) == std::string::npos) continue;
        if (rule.skip > 0) {
            --rule.skip;
            continue;
        }
        if (rule.count > 0) --rule.count;
        return {rule.error, rule.short_write_bytes};
    }
    return {};
}

result<std::shared_ptr<file_handle>> memory_file_system::open(const std::string& path, open_mode mode) {
    if (storage_errc e = check_fault(fs_op::open, path).error; e != storage_errc::none) return e;
    auto it = _files.find(path);
    if (it == _files.end()) {
        if (mode == open_mode::existing) return storage_errc::not_found;
        if (!_dirs.contains(parent_of(path))) return storage_errc::not_found;
        it = _files.emplace(path, std::make_shared<file_data>()).first;
    }
    return std::shared_ptr<file_handle>(std::make_shared<memory_file>(*this, path, it->second));
}

storage_errc memory_file_system::rename(const std::string& from, const std::string& to) {
    if (storage_errc e = check_fault(fs_op::rename, from).error; e != storage_errc::none) return e;
    if (_dirs.contains(from)) return rename_dir(from, to);
    auto it = _files.find(from);
    if (it == _files.end()) return storage_errc::not_found;
    std::shared_ptr<file_data> data = it->second;
    _files.erase(it);
    _files[to] = std::move(data);
    return storage_errc::none;
}

storage_errc memory_file_system::remove(const std::string& path) {
    if (storage_errc e = check_fault(fs_op::remove, path).error; e != storage_errc::none) return e;
    if (_dirs.contains(path)) {
        auto children = list_dir(path);
        if (!children->empty()) return storage_errc::io_error; // ENOTEMPTY
        _dirs.erase(path);
        return storage_errc::none;
    }
    return _files.erase(path) == 1 ? storage_errc::none : storage_errc::not_found;
}

// A directory and everything below it (log_manager's partition deletion).
storage_errc memory_file_system::rename_dir(const std::string& from, const std::string& to) {
    if (exists(to)) return storage_errc::already_exists;
    auto moved = [&](const std::string& path) { return to + path.substr(from.size()); };
    auto below = [&](const std::string& path) { return path == from || path.starts_with(from + "/"); };
    std::map<std::string, std::shared_ptr<file_data>> files;
    for (auto it = _files.begin(); it != _files.end();) {
        if (below(it->first)) {
            files[moved(it->first)] = it->second;
            it = _files.erase(it);
        } else {
            ++it;
        }
    }
    _files.merge(files);
    std::set<std::string> dirs;
    for (auto it = _dirs.begin(); it != _dirs.end();) {
        if (below(*it)) {
            dirs.insert(moved(*it));
            it = _dirs.erase(it);
        } else {
            ++it;
        }
    }
    _dirs.merge(dirs);
    return storage_errc::none;
}

result<std::vector<std::string>> memory_file_system::list_dir(const std::string& dir) {
    if (storage_errc e = check_fault(fs_op::list_dir, dir).error; e != storage_errc::none) return e;
    if (!_dirs.contains(dir)) return storage_errc::not_found;
    std::vector<std::string> names;
    auto add_children = [&](const std::string& path) {
        if (parent_of(path) == dir) names.push_back(path.substr(dir.size() + 1));
    };
    // Only the paths under dir/ (sorted maps: one range), so listing is not O(all files).
    const std::string prefix = dir + "/";
    for (auto it = _files.lower_bound(prefix); it != _files.end() && it->first.starts_with(prefix); ++it)
        add_children(it->first);
    for (auto it = _dirs.lower_bound(prefix); it != _dirs.end() && it->starts_with(prefix); ++it) add_children(*it);
    std::sort(names.begin(), names.end());
    return names;
}

storage_errc memory_file_system::mkdir(const std::string& dir) {
    if (storage_errc e = check_fault(fs_op::mkdir, dir).error; e != storage_errc::none) return e;
    for (std::string path = dir; !path.empty(); path = parent_of(path)) {
        if (_files.contains(path)) return storage_errc::invalid_argument;
        _dirs.insert(path);
    }
    return storage_errc::none;
}

storage_errc memory_file_system::sync_dir(const std::string& dir) {
    return _dirs.contains(dir) ? storage_errc::none : storage_errc::not_found;
}

bool memory_file_system::exists(const std::string& path) { return _files.contains(path) || _dirs.contains(path); }

void memory_file_system::crash(size_t torn_tail_bytes) {
    ++_generation;
    for (auto& [path, data] : _files) {
        byte_buffer kept = data->durable;
        // A torn tail only makes sense for bytes appended after the synced contents.
        if (data->bytes.size() > kept.size() &&
            std::equal(kept.begin(), kept.end(), data->bytes.begin())) {
            size_t extra = std::min(torn_tail_bytes, data->bytes.size() - kept.size());
            kept.insert(kept.end(), data->bytes.begin() + static_cast<ptrdiff_t>(kept.size()),
                        data->bytes.begin() + static_cast<ptrdiff_t>(kept.size() + extra));
        }
        data->bytes = kept;
        data->durable = std::move(kept);
    }
}

byte_buffer memory_file_system::contents(const std::string& path) const {
    auto it = _files.find(path);
    return it == _files.end() ? byte_buffer{} : it->second->bytes;
}

void memory_file_system::set_contents(const std::string& path, byte_buffer bytes) {
    auto& data = _files[path];
    if (!data) data = std::make_shared<file_data>();
    data->bytes = bytes;
    data->durable = std::move(bytes);
}

} // namespace sluice::storage
