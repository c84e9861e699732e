#pragma once
// Helpers shared by the record batch tests.
#include <string>
#include <string_view>
#include <vector>

#include "base/crc32c.h"
#include "base/endian.h"
#include "protocol/batch_validator.h"
#include "protocol/record_batch_builder.h"
#include "protocol/tests/test_data.h"

namespace sluice::protocol::test {

inline byte_view bv(std::string_view s) { return as_bytes(s); }

// Rewrites the CRC after a test patched a covered field, so checks behind the CRC are reached.
inline void fix_crc(byte_buffer& batch) {
    be::store<uint32_t>(batch.data() + batch_format::crc_at,
                        crc32c(byte_view(batch).subspan(batch_format::attributes_at)));
}

template <typename T>
void patch(byte_buffer& batch, size_t at, T value, bool recompute_crc = true) {
    be::store<T>(batch.data() + at, value);
    if (recompute_crc) fix_crc(batch);
}

// Appends raw record bytes to a batch's records section and fixes length, count and CRC.
inline void set_records(byte_buffer& batch, const byte_buffer& records, int32_t count) {
    batch.resize(batch_format::header_bytes);
    batch.insert(batch.end(), records.begin(), records.end());
    be::store<int32_t>(batch.data() + batch_format::batch_length_at,
                       static_cast<int32_t>(batch.size() - batch_format::log_overhead_bytes));
    be::store<int32_t>(batch.data() + batch_format::records_count_at, count);
    be::store<int32_t>(batch.data() + batch_format::last_offset_delta_at, count > 0 ? count - 1 : 0);
    fix_crc(batch);
}

// A batch of `n` records "key-i" / "value-i", timestamps 1000 + i, one header each.
inline byte_buffer sample_batch(int n, batch_builder_options options = {}) {
    record_batch_builder builder(options);
    std::vector<std::string> keys, values;
    for (int i = 0; i < n; ++i) {
        keys.push_back("key-" + std::to_string(i));
        values.push_back("value-" + std::to_string(i));
    }
    const header_input header{bv("h"), bv("v")};
    for (int i = 0; i < n; ++i)
        builder.append({.timestamp_ms = 1000 + i, .key = bv(keys[i]), .value = bv(values[i]), .headers = {&header, 1}});
    return builder.build().bytes;
}

inline record_batch_view view_of(const byte_buffer& batch) { return parse_batch(batch).batch; }

inline validate_result validate(const byte_buffer& batch, validate_options options = {}) {
    batch_parse_result parsed = parse_batch(batch);
    if (parsed.error != batch_error::none) return {parsed.error, -1, {}};
    byte_buffer scratch;
    return validate_batch(parsed.batch, options, scratch);
}

inline validate_options from_leader() {
    validate_options o;
    o.from_client = false;
    return o;
}

} // namespace sluice::protocol::test
