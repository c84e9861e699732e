#pragma once
// Helpers shared by the storage tests: batches of known shape, file contents.
#include <string>
#include <vector>

#include "base/endian.h"
#include "protocol/record_batch_builder.h"
#include "storage/file_system.h"

namespace sluice::storage::test {

// A file_system that passes every call to another one. Test wrappers derive from it and
// override only the calls they observe.
class forwarding_file_system : public file_system {
public:
    explicit forwarding_file_system(file_system& inner) : _inner(inner) {}

    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override {
        return _inner.open(path, mode);
    }
    result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) override {
        return _inner.map_read_only(path);
    }
    storage_errc rename(const std::string& from, const std::string& to) override { return _inner.rename(from, to); }
    storage_errc remove(const std::string& path) override { return _inner.remove(path); }
    result<std::vector<std::string>> list_dir(const std::string& d) override { return _inner.list_dir(d); }
    storage_errc mkdir(const std::string& d) override { return _inner.mkdir(d); }
    storage_errc sync_dir(const std::string& d) override { return _inner.sync_dir(d); }
    bool exists(const std::string& path) override { return _inner.exists(path); }

protected:
    file_system& _inner;
};

// A batch of `records` records with timestamps first_timestamp_ms + i, values of
// `value_bytes` bytes, base offset `base` (as the log would have patched it).
inline byte_buffer make_batch(int records, int64_t first_timestamp_ms = 1000, size_t value_bytes = 10,
                              model::offset base = model::offset(0)) {
    protocol::record_batch_builder builder({.base_offset = base});
    std::string value(value_bytes, 'v');
    for (int i = 0; i < records; ++i)
        builder.append({.timestamp_ms = first_timestamp_ms + i, .key = std::nullopt, .value = as_bytes(value)});
    protocol::build_result built = builder.build();
    return std::move(built.bytes);
}

inline byte_buffer with_base_offset(byte_buffer batch, int64_t base) {
    be::store<int64_t>(batch.data(), base);
    return batch;
}

inline byte_buffer read_range(file_handle& file, uint64_t position, uint64_t length) {
    byte_buffer out(length);
    auto n = file.read_at(position, out);
    out.resize(n.ok() ? *n : 0);
    return out;
}

inline byte_buffer concat(const std::vector<byte_buffer>& parts) {
    byte_buffer out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

} // namespace sluice::storage::test
