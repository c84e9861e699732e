#pragma once
// offset_map: key -> offset of its latest record in the dirty range (Kafka's SkimpyOffsetMap).
// Kafka stores 16-byte MD5 digests in a fixed buffer (a digest collision can drop a record);
// this map stores the keys themselves: exact, and bounded by a key count instead of bytes.
// One per cleaning pass; one shard.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "base/ids.h"

namespace sluice::storage {

class offset_map {
public:
    explicit offset_map(size_t keys_max) noexcept : _keys_max(keys_max) {}

    // Records are put in offset order, so the last put wins.
    void put(byte_view key, model::offset offset) { _offsets[std::string(as_chars(key))] = offset.value(); }
    std::optional<model::offset> get(byte_view key) const {
        auto it = _offsets.find(std::string(as_chars(key)));
        if (it == _offsets.end()) return std::nullopt;
        return model::offset(it->second);
    }
    size_t size() const noexcept { return _offsets.size(); }
    bool full() const noexcept { return _offsets.size() >= _keys_max; }

private:
    size_t _keys_max;
    std::unordered_map<std::string, int64_t> _offsets;
};

} // namespace sluice::storage
