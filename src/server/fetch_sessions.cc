#include "server/fetch_sessions.h"


namespace sluice::server {

fetch_session* fetch_sessions::create() {
    if (_capacity == 0) return nullptr;
    if (_sessions.size() >= _capacity) {
        _sessions.erase(_lru.back().id);
        _lru.pop_back();
    }
    // Ids unique on this shard and unlikely to be reused soon; never 0 (no session).
    int32_t id = _next_id;
    do {
        id = id == INT32_MAX ? 1 : id + 1;
    } while (_sessions.contains(id));
    _next_id = id;
    _lru.push_front(fetch_session{id, 1, {}});
    _sessions[id] = _lru.begin();
    return &_lru.front();
}

fetch_session* fetch_sessions::find(int32_t id) {
    auto it = _sessions.find(id);
    if (it == _sessions.end()) return nullptr;
    _lru.splice(_lru.begin(), _lru, it->second);
    return &_lru.front();
}

void fetch_sessions::remove(int32_t id) {
    auto it = _sessions.find(id);
    if (it == _sessions.end()) return;
    _lru.erase(it->second);
    _sessions.erase(it);
}

} // namespace sluice::server
