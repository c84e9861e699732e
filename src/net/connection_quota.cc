#include "net/connection_quota.h"

#include "base/assert.h"

namespace sluice::net {

connection_quota::verdict connection_quota::try_acquire(const std::string& ip) {
    std::lock_guard lock(_mutex);
    if (_total >= _max_total) return verdict::over_total;
    int32_t& n = _per_ip[ip];
    if (n >= _max_per_ip) {
        if (n == 0) _per_ip.erase(ip);
        return verdict::over_per_ip;
    }
    ++n;
    ++_total;
    return verdict::accepted;
}

void connection_quota::release(const std::string& ip) {
    std::lock_guard lock(_mutex);
    auto it = _per_ip.find(ip);
    SLUICE_ASSERT(it != _per_ip.end() && it->second > 0 && _total > 0, "connection quota underflow");
    if (--it->second == 0) _per_ip.erase(it);
    --_total;
}

int32_t connection_quota::open() const {
    std::lock_guard lock(_mutex);
    return _total;
}

} // namespace sluice::net
