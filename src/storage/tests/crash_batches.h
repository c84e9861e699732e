#pragma once
// The batches the crash test's child appends, generated from (seed, partition, index) so the
// parent can rebuild every one byte for byte: 1-8 records of 1 KiB values.
#include <cstdint>
#include <string>

#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"

namespace sluice::storage::test {

inline uint64_t crash_mix(uint64_t x) noexcept { // splitmix64
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline constexpr size_t crash_value_bytes = 1024;

// As the producer sends it (base offset 0, no leader epoch).
inline byte_buffer crash_batch(uint64_t seed, int partition, int64_t index) {
    uint64_t h = crash_mix(seed ^ crash_mix(static_cast<uint64_t>(partition) << 40 ^ static_cast<uint64_t>(index)));
    int records = 1 + static_cast<int>(h % 8);
    protocol::record_batch_builder builder({});
    std::string value(crash_value_bytes, '\0');
    for (int r = 0; r < records; ++r) {
        uint64_t v = crash_mix(h + static_cast<uint64_t>(r));
        for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + (v >> (i % 56)) % 26);
        builder.append({.timestamp_ms = 1'700'000'000'000 + index, .key = std::nullopt, .value = as_bytes(value)});
    }
    return std::move(builder.build().bytes);
}

// As the log stores it: base offset assigned, leader epoch 0.
inline byte_buffer crash_batch_stored(uint64_t seed, int partition, int64_t index, model::offset base) {
    byte_buffer bytes = crash_batch(seed, partition, index);
    protocol::mutable_record_batch batch(bytes);
    batch.set_base_offset(base);
    batch.set_partition_leader_epoch(model::leader_epoch(0));
    return bytes;
}

} // namespace sluice::storage::test
