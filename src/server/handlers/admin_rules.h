#pragma once
// What the metadata and admin handlers say the same way: Kafka's internal topics, the
// authorized-operations bit fields of a broker without an authorizer, and the answer when
// there is no controller to ask.
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "cluster/controller.h"
#include "protocol/error_code.h"

namespace sluice::server::handlers {

// Kafka's Topic.isInternal: exactly these names (clients hide them from "list topics").
inline bool is_internal_topic(std::string_view name) noexcept {
    return name == "__consumer_offsets" || name == "__transaction_state";
}

// Kafka's KRaft metadata log: CreateTopics refuses the name.
inline constexpr std::string_view cluster_metadata_topic = "__cluster_metadata";

// Kafka's AclOperation codes as one bit each (Utils.to32BitField).
constexpr int32_t operation_bits(std::initializer_list<int> codes) {
    int32_t bits = 0;
    for (int code : codes) bits |= int32_t{1} << code;
    return bits;
}

// AuthHelper.authorizedOperations without an authorizer: every operation the resource type
// supports (AclEntry.supportedOperations) is allowed.
// TOPIC: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10,
// ALTER_CONFIGS 11.
inline constexpr int32_t topic_operations_allowed = operation_bits({3, 4, 5, 6, 7, 8, 10, 11});
// CLUSTER: CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10,
// ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
inline constexpr int32_t cluster_operations_allowed = operation_bits({5, 7, 8, 9, 10, 11, 12});
static_assert(topic_operations_allowed == 3576 && cluster_operations_allowed == 8096);
// The schemas' default: operations were not asked for.
inline constexpr int32_t operations_not_requested = INT32_MIN;

// Each item of an admin request when broker_context has no controller (no metadata quorum
// runs here): retriable, as Kafka's answer from a broker that lost its controller.
inline cluster::admin_error no_controller() {
    return {protocol::error_code::not_controller, "No metadata quorum is running on this broker."};
}

// Errors.INVALID_REQUEST's message, what Kafka puts in every item when it refuses a whole
// request (AbstractRequest.getErrorResponse).
inline constexpr std::string_view invalid_request_message =
    "This most likely occurs because of a request being malformed by the client library or the message was "
    "sent to an incompatible broker. See the broker logs for more details.";

} // namespace sluice::server::handlers
