#pragma once
// broker_config: `sluice serve`'s configuration, from Kafka's server.properties keys (Kafka's
// defaults unless the comment says otherwise) and --set key=value overrides.
//
// Loading is a start-up boundary: problems are reported as config_error (naming the key) and
// the broker refuses to start. Unknown keys are collected as warnings, not errors, so a Kafka
// server.properties can be used as it is.
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::app {

struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct listener_address {
    std::string name = "PLAINTEXT"; // the listener (and, for now, security protocol) name
    std::string host;               // "" binds every interface
    uint16_t port = 9092;
};

struct broker_config {
    // listeners: default PLAINTEXT://localhost:9092 (Kafka binds every interface by default;
    // Sluice's zero-config start is local only).
    listener_address listener{"PLAINTEXT", "localhost", 9092};
    // advertised.listeners: default the listener (an empty host advertises this host name).
    listener_address advertised{"PLAINTEXT", "localhost", 9092};
    bool advertised_set = false;
    int32_t node_id = 1;                  // node.id
    std::string log_dir = "./sluice-data"; // log.dirs (one directory for now) or log.dir
    int32_t socket_request_max_bytes = 104857600;
    int32_t max_connections = INT32_MAX;
    int32_t max_connections_per_ip = INT32_MAX;
    int64_t connections_max_idle_ms = 600000;
    // queued.max.request.bytes: Kafka's default -1 means unbounded; Sluice always bounds the
    // bytes of requests read but not answered (DESIGN.md §1.6), default 256 MiB per broker,
    // divided over the shards.
    int64_t queued_max_request_bytes = 256ll << 20;

    // Every key as set (server.properties, then --set), for the settings other modules read
    // (cluster::broker_config_defs: topic defaults, num.partitions, ...; DescribeConfigs).
    std::map<std::string, std::string, std::less<>> properties;
    // Keys present but not known to Sluice (warned at start).
    std::vector<std::string> unknown_keys;
};

// key=value lines; '#' and '!' comments; surrounding blanks trimmed. Throws config_error
// (with file and line) on a line that is not key=value or a file that cannot be read.
std::map<std::string, std::string> read_properties_file(const std::string& path);

// Applies one setting. Throws config_error naming the key when the value is invalid.
void apply_setting(broker_config& config, const std::string& key, const std::string& value);

// Parses "PLAINTEXT://host:port" (one listener; [v6] hosts in brackets). Throws config_error.
listener_address parse_listener(const std::string& key, const std::string& value);

} // namespace sluice::app
