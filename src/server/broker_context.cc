#include "server/broker_context.h"

#include "base/crc32c.h"

namespace sluice::server {

net::shard_id broker_context::owner_of(std::string_view topic, int32_t partition, uint32_t shard_count) noexcept {
    if (shard_count <= 1) return 0;
    // CRC32C of the name, then the partition mixed in: stable across builds and platforms.
    uint64_t h = crc32c(byte_view(reinterpret_cast<const uint8_t*>(topic.data()), topic.size()));
    h = (h * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(static_cast<uint32_t>(partition));
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return static_cast<net::shard_id>(h % shard_count);
}

net::shard_id broker_context::owner_of(std::string_view topic, int32_t partition) const noexcept {
    return owner_of(topic, partition, shards ? shards->count() : 1);
}

} // namespace sluice::server
