#pragma once
// metadata_image: the cluster's metadata as of one offset of the metadata log (KRaft's
// MetadataImage): topics by name and id with their partitions and config overrides, and the
// next producer-id block. Immutable once published: shards hold a shared_ptr to the image they
// read and never lock. A new image shares every unchanged topic with the previous one.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/uuid.h"
#include "storage/log_settings.h"

namespace sluice::cluster {

struct partition_image {
    int32_t leader = -1;
    int32_t leader_epoch = 0;
    int32_t partition_epoch = 0;
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
    bool operator==(const partition_image&) const = default;
};

struct topic_image {
    std::string name;
    uuid id;
    std::vector<partition_image> partitions; // by partition id
    storage::properties configs;              // the topic's overrides only
    bool operator==(const topic_image&) const = default;
};

using topic_ptr = std::shared_ptr<const topic_image>;

class metadata_image {
public:
    // The metadata-log index of the last entry applied (0: nothing yet).
    uint64_t offset() const noexcept { return _offset; }
    const topic_image* find(std::string_view name) const noexcept;
    const topic_image* find(const uuid& id) const noexcept;
    topic_ptr find_shared(std::string_view name) const noexcept;
    const std::map<std::string, topic_ptr, std::less<>>& topics() const noexcept { return _by_name; }
    size_t partition_count() const noexcept { return _partition_count; }
    // Broker-level dynamic configs (resource BROKER "" or this node) — none are alterable yet.
    int64_t next_producer_id() const noexcept { return _next_producer_id; }

private:
    friend class image_builder;
    uint64_t _offset = 0;
    std::map<std::string, topic_ptr, std::less<>> _by_name;
    std::map<uuid, topic_ptr> _by_id;
    size_t _partition_count = 0;
    int64_t _next_producer_id = 0;
};

using image_ptr = std::shared_ptr<const metadata_image>;

} // namespace sluice::cluster
