#pragma once
// broker_context: the services every request handler may use, built by the app at start-up
// and immutable afterwards (pointers to objects that outlive the shards). Any shard reads it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/controller.h"
#include "cluster/metadata_store.h"
#include "net/smp.h"
#include "server/broker_identity.h"
#include "storage/log_settings.h"

namespace sluice::server {

class shard_partitions;

// Broker-level settings the handlers apply (Kafka's keys; per-topic settings come from
// cluster::effective_topic_settings(properties, topic overrides)).
struct broker_settings {
    storage::properties properties;       // every broker key as configured (server.properties + --set)
    bool auto_create_topics = true;       // auto.create.topics.enable
    int32_t num_partitions = 1;           // num.partitions
    int16_t default_replication_factor = 1; // default.replication.factor
    int32_t fetch_max_bytes = 57'671'680; // fetch.max.bytes: the most a Fetch response carries
    int32_t max_fetch_wait_ms = 30'000;   // Sluice: longest long poll honoured (a client's max_wait is capped)
    int32_t fetch_sessions = 1'000;       // max.incremental.fetch.session.cache.slots (per shard)
    std::string log_dir;                  // log.dirs (one directory)
};

struct broker_context {
    const broker_identity* identity = nullptr;
    net::smp* shards = nullptr;
    cluster::metadata_store* metadata = nullptr;
    cluster::controller* controller = nullptr;
    broker_settings settings;
    std::vector<shard_partitions*> partitions; // by shard id

    // The shard that owns a partition: a stable hash of topic name and partition (the same
    // on every start with the same shard count).
    net::shard_id owner_of(std::string_view topic, int32_t partition) const noexcept;
    static net::shard_id owner_of(std::string_view topic, int32_t partition, uint32_t shard_count) noexcept;
};

} // namespace sluice::server
