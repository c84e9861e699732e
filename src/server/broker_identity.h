#pragma once
// broker_identity: who this broker is and where clients reach it. Immutable after start-up;
// shared read-only by every shard. Until the metadata quorum exists this is the whole cluster
// (a cluster of one: this broker is also the controller).
#include <cstdint>
#include <optional>
#include <string>

#include "base/ids.h"

namespace sluice::server {

struct broker_identity {
    model::node_id node_id{1};
    std::string cluster_id;      // Kafka's 22-character base64 UUID
    std::string advertised_host; // from advertised.listeners (or listeners)
    int32_t advertised_port = 9092;
    std::optional<std::string> rack;
};

} // namespace sluice::server
