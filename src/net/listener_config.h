#pragma once
// The limits and address of the Kafka listener, as the app's configuration sets them
// (Kafka key in brackets). Defaults are Kafka's where Kafka has one.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sluice::net {

struct listener_config {
    std::string host = "localhost"; // "" or "0.0.0.0": every IPv4 interface
    uint16_t port = 9092;           // 0: an ephemeral port, the same on every shard
    // [socket.request.max.bytes] A larger (or negative) size prefix closes the connection
    // before anything is allocated.
    int32_t max_request_bytes = 104857600;
    // [max.connections], [max.connections.per.ip]: over either, a new connection is closed.
    int32_t max_connections = INT32_MAX;
    int32_t max_connections_per_ip = INT32_MAX;
    // [connections.max.idle.ms] A connection with nothing in flight and no bytes read or
    // written for this long is closed.
    std::chrono::milliseconds idle_timeout{600000};
    // [queued.max.request.bytes] divided over the shards: bytes of requests read but not yet
    // answered, per shard. Over it, connections of the shard stop reading (back-pressure).
    size_t shard_memory_bytes = 128u << 20;
    // Requests of one connection read but not yet answered; at the limit the connection
    // stops reading until the oldest is answered. Kafka clients send at most 5 by default.
    size_t max_in_flight_per_connection = 100;
    // On shutdown, connections still busy after this long are closed.
    std::chrono::milliseconds drain_timeout{30000};
};

} // namespace sluice::net
