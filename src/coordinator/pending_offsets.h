#pragma once
// pending_offsets: KIP-98 transactional offset commits written but not yet ended by a marker
// (Kafka 4.0 OffsetMetadataManager.pendingTransactionalOffsets and openTransactions). Each
// producer has its own offsets per __consumer_offsets partition, as markers are per partition;
// an index by group, topic and partition answers "is an offset pending here?" for OffsetFetch
// require_stable, expiry and deletion. Owned by group_coordinator; used only on its shard.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "coordinator/offset_store.h"

namespace sluice::coordinator {

class pending_offsets {
public:
    // (partition of __consumer_offsets, producer id)
    using owner = std::pair<int32_t, int64_t>;
    struct topic_partition {
        std::string topic;
        int32_t partition;
    };

    // The producer's offset for (group, topic, partition), replacing its previous one there.
    void add(owner who, const std::string& group, const std::string& topic, int32_t partition,
             offset_and_metadata o);
    // The producer's pending offsets in that partition, removed (a marker ends them).
    std::optional<offset_store> take(owner who);
    // A tombstone for (group, topic, partition): every producer's pending offset there written
    // before `before` (the tombstone's log order) is dropped.
    void erase(const std::string& group, const std::string& topic, int32_t partition,
               uint64_t before = std::numeric_limits<uint64_t>::max());
    // Undoes one write that failed: the producer's offset there if it is still that write's.
    void erase_written(owner who, const std::string& group, const std::string& topic, int32_t partition,
                       uint64_t log_order);
    // Unload: everything of that __consumer_offsets partition.
    void drop_partition(int32_t partition);

    bool contains(const std::string& group, const std::string& topic, int32_t partition) const;
    bool contains(const std::string& group) const { return _open.contains(group); }
    std::vector<topic_partition> partitions_of(const std::string& group) const;
    // Groups with a pending offset of `topic`.
    std::vector<std::string> groups_with(const std::string& topic) const;
    size_t producers() const noexcept { return _by_owner.size(); }

private:
    void unindex(const std::string& group, const std::string& topic, int32_t partition, owner who);

    std::map<owner, offset_store> _by_owner;
    // group → topic → partition → producers with a pending offset there (never empty levels).
    std::map<std::string, std::map<std::string, std::map<int32_t, std::set<owner>>>> _open;
};

} // namespace sluice::coordinator
