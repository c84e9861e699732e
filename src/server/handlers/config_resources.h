#pragma once
// config_resources: what DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share —
// Kafka's resource types, and the one path by which both alter APIs change configs
// (ConfigAdminManager.preprocess on the broker, then the controller).
//
// Sluice keeps configs for TOPIC resources only. BROKER configs are static (server.properties
// and --set): describing them works, altering any key is refused as Kafka refuses a key that is
// not dynamically updatable. BROKER_LOGGER, CLIENT_METRICS and GROUP resources exist in Kafka
// 4.0 but not in Sluice: INVALID_REQUEST.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>

#include "cluster/controller.h"
#include "server/api_handler.h"

namespace sluice::server::handlers {

// Kafka's ConfigResource.Type ids.
namespace config_resource {
inline constexpr int8_t topic = 2;
inline constexpr int8_t broker = 4;
inline constexpr int8_t broker_logger = 8;
inline constexpr int8_t client_metrics = 16;
inline constexpr int8_t group = 32;
} // namespace config_resource

// ConfigResource.Type's name ("TOPIC", "BROKER", ...; "UNKNOWN" for any other id).
std::string_view config_resource_name(int8_t type) noexcept;

// One resource of an alter request: its changes as the controller takes them (AlterConfigs:
// every entry is a SET). `operation` keeps the raw IncrementalAlterConfigs op ids, which may
// be outside Kafka's four.
struct config_alteration {
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<cluster::config_change> changes;
    std::vector<int8_t> operations; // parallel to changes
};

// Checks and applies `resources` and returns one result per resource, in order; a success has
// no message. replace_all: AlterConfigs (every override of a topic replaced; no value may be
// null); otherwise IncrementalAlterConfigs (DELETE may have a null value; operations outside
// SET/DELETE/APPEND/SUBTRACT refused).
asio::awaitable<std::vector<cluster::admin_error>> alter_config_resources(const request& r,
                                                                          std::vector<config_alteration> resources,
                                                                          bool replace_all, bool validate_only);

} // namespace sluice::server::handlers
