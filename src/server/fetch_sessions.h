#pragma once
// fetch_sessions: incremental fetch sessions (KIP-227) of one shard's connections. A session
// remembers the partitions a consumer fetches (offset and max bytes) and what the last
// response told it (high watermark, log start offset), so that later requests carry only
// changed partitions and responses only partitions with news.
//
// Bounded: at most `capacity` sessions (max.incremental.fetch.session.cache.slots); when full
// the least recently used one is evicted (its client gets FETCH_SESSION_ID_NOT_FOUND and
// starts a full fetch). Shard thread only.
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/ids.h"
#include "base/uuid.h"

namespace sluice::server {

struct session_partition {
    uuid topic_id;
    model::offset fetch_offset{0};
    int32_t max_bytes = 0;
    // As last sent (-1: never): a partition is resent when any of them changes.
    int64_t high_watermark = -1;
    int64_t log_start_offset = -1;
    int64_t last_stable_offset = -1;
};

struct fetch_session {
    int32_t id = 0;
    int32_t next_epoch = 1;
    std::map<std::pair<std::string, int32_t>, session_partition> partitions; // by topic name, partition
};

class fetch_sessions {
public:
    explicit fetch_sessions(size_t capacity) : _capacity(capacity) {}
    // A new session (nullptr when capacity is 0).
    fetch_session* create();
    fetch_session* find(int32_t id);
    void remove(int32_t id);
    size_t size() const noexcept { return _sessions.size(); }

private:
    size_t _capacity;
    int32_t _next_id = 1;
    std::list<fetch_session> _lru; // most recently used first
    std::unordered_map<int32_t, std::list<fetch_session>::iterator> _sessions;
};

} // namespace sluice::server
