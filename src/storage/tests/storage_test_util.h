#pragma once
// Helpers shared by the storage tests: batches of known shape, file contents.
#include <string>
#include <vector>

#include "base/endian.h"
#include "protocol/record_batch_builder.h"
#include "storage/file_system.h"

namespace sluice::storage::test {

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
