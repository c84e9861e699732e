#pragma once
// connection_quota: max.connections and max.connections.per.ip, counted across all shards
// (Kafka's limits are per broker). A connection over either limit is refused by closing it
// right after accept.
//
// Threads: any shard; the counts sit behind a mutex. It is touched once when a connection is
// accepted and once when it closes, never per request, so the lock stays off the data path.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::net {

class connection_quota {
public:
    connection_quota(int32_t max_connections, int32_t max_connections_per_ip) noexcept
        : _max_total(max_connections), _max_per_ip(max_connections_per_ip) {}

    enum class verdict : uint8_t { accepted, over_total, over_per_ip };
    verdict try_acquire(const std::string& ip);
    void release(const std::string& ip);
    int32_t open() const;

private:
    const int32_t _max_total;
    const int32_t _max_per_ip;
    mutable std::mutex _mutex;
    int32_t _total = 0;
    std::unordered_map<std::string, int32_t> _per_ip;
};

} // namespace sluice::net
