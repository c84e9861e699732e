#include "protocol/error_code.h"

#include <array>
#include <cstddef>

namespace sluice::protocol {
namespace {

using ec = error_code;

// One row per code, in code order starting at -1, so describe() is a direct index. Source:
// Kafka's Errors.java (names, codes) and its errors/ package (retriable = the mapped exception
// extends RetriableException, directly or via InvalidMetadataException /
// RefreshRetriableException). Messages are ours. The checks below the table reject a row
// that is out of order, missing, duplicated or unnamed.
constexpr std::array table{
    error_info{ec::unknown_server_error, "UNKNOWN_SERVER_ERROR", false,
               "The server hit an unexpected error while handling the request."},
    error_info{ec::none, "NONE", false, "No error."},
    error_info{ec::offset_out_of_range, "OFFSET_OUT_OF_RANGE", false,
               "The requested offset is outside the range this server holds."},
    error_info{ec::corrupt_message, "CORRUPT_MESSAGE", true,
               "The message failed its CRC check, has an invalid size, or is otherwise corrupt."},
    error_info{ec::unknown_topic_or_partition, "UNKNOWN_TOPIC_OR_PARTITION", true,
               "The topic or partition is unknown to this server."},
    error_info{ec::invalid_fetch_size, "INVALID_FETCH_SIZE", false,
               "The fetch size in the request is not valid."},
    error_info{ec::leader_not_available, "LEADER_NOT_AVAILABLE", true,
               "The partition has no leader right now, for example during an election."},
    error_info{ec::not_leader_or_follower, "NOT_LEADER_OR_FOLLOWER", true,
               "This broker is not the leader (or not a replica) of the partition."},
    error_info{ec::request_timed_out, "REQUEST_TIMED_OUT", true,
               "The request did not complete in time."},
    error_info{ec::broker_not_available, "BROKER_NOT_AVAILABLE", false,
               "The target broker is unavailable."},
    error_info{ec::replica_not_available, "REPLICA_NOT_AVAILABLE", true,
               "The replica of the requested partition is not available."},
    error_info{ec::message_too_large, "MESSAGE_TOO_LARGE", false,
               "A message is larger than the maximum size the server accepts."},
    error_info{ec::stale_controller_epoch, "STALE_CONTROLLER_EPOCH", false,
               "A different broker is now the controller."},
    error_info{ec::offset_metadata_too_large, "OFFSET_METADATA_TOO_LARGE", false,
               "The metadata attached to the committed offset is too large."},
    error_info{ec::network_exception, "NETWORK_EXCEPTION", true,
               "The connection closed before a response arrived."},
    error_info{ec::coordinator_load_in_progress, "COORDINATOR_LOAD_IN_PROGRESS", true,
               "The coordinator is still loading its state and cannot serve requests yet."},
    error_info{ec::coordinator_not_available, "COORDINATOR_NOT_AVAILABLE", true,
               "No coordinator is available for this key right now."},
    error_info{ec::not_coordinator, "NOT_COORDINATOR", true,
               "This broker is not the coordinator for the given key."},
    error_info{ec::invalid_topic_exception, "INVALID_TOPIC_EXCEPTION", false,
               "The request names a topic that is invalid for this operation."},
    error_info{ec::record_list_too_large, "RECORD_LIST_TOO_LARGE", false,
               "A record batch is larger than the configured segment size."},
    error_info{ec::not_enough_replicas, "NOT_ENOUGH_REPLICAS", true,
               "Too few in-sync replicas to accept the write."},
    error_info{ec::not_enough_replicas_after_append, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true,
               "The write reached the log but fewer in-sync replicas than required."},
    error_info{ec::invalid_required_acks, "INVALID_REQUIRED_ACKS", false,
               "The produce request asked for an invalid acks value."},
    error_info{ec::illegal_generation, "ILLEGAL_GENERATION", false,
               "The group generation id in the request is not current."},
    error_info{ec::inconsistent_group_protocol, "INCONSISTENT_GROUP_PROTOCOL", false,
               "The member's protocols are missing or do not match the group's."},
    error_info{ec::invalid_group_id, "INVALID_GROUP_ID", false, "The group id is not valid."},
    error_info{ec::unknown_member_id, "UNKNOWN_MEMBER_ID", false,
               "The coordinator does not know this member id."},
    error_info{ec::invalid_session_timeout, "INVALID_SESSION_TIMEOUT", false,
               "The session timeout is outside the range the broker allows."},
    error_info{ec::rebalance_in_progress, "REBALANCE_IN_PROGRESS", false,
               "A rebalance is under way; the member has to rejoin."},
    error_info{ec::invalid_commit_offset_size, "INVALID_COMMIT_OFFSET_SIZE", false,
               "The size of the offset commit data is not valid."},
    error_info{ec::topic_authorization_failed, "TOPIC_AUTHORIZATION_FAILED", false,
               "Not authorized to access the topic."},
    error_info{ec::group_authorization_failed, "GROUP_AUTHORIZATION_FAILED", false,
               "Not authorized to access the group."},
    error_info{ec::cluster_authorization_failed, "CLUSTER_AUTHORIZATION_FAILED", false,
               "Not authorized to perform this cluster operation."},
    error_info{ec::invalid_timestamp, "INVALID_TIMESTAMP", false,
               "A message timestamp is outside the accepted range."},
    error_info{ec::unsupported_sasl_mechanism, "UNSUPPORTED_SASL_MECHANISM", false,
               "The requested SASL mechanism is not enabled on this broker."},
    error_info{ec::illegal_sasl_state, "ILLEGAL_SASL_STATE", false,
               "The request is not allowed in the current SASL state."},
    error_info{ec::unsupported_version, "UNSUPPORTED_VERSION", false,
               "The broker does not support this API version."},
    error_info{ec::topic_already_exists, "TOPIC_ALREADY_EXISTS", false,
               "The topic already exists."},
    error_info{ec::invalid_partitions, "INVALID_PARTITIONS", false,
               "The partition count is not valid."},
    error_info{ec::invalid_replication_factor, "INVALID_REPLICATION_FACTOR", false,
               "The replication factor is below 1 or above the number of brokers."},
    error_info{ec::invalid_replica_assignment, "INVALID_REPLICA_ASSIGNMENT", false,
               "The replica assignment is not valid."},
    error_info{ec::invalid_config, "INVALID_CONFIG", false, "The configuration is not valid."},
    error_info{ec::not_controller, "NOT_CONTROLLER", true,
               "This node is not the active controller."},
    error_info{ec::invalid_request, "INVALID_REQUEST", false,
               "The request is malformed or not compatible with this broker."},
    error_info{ec::unsupported_for_message_format, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false,
               "The request needs a newer message format than the topic uses."},
    error_info{ec::policy_violation, "POLICY_VIOLATION", false,
               "The request violates a configured policy."},
    error_info{ec::out_of_order_sequence_number, "OUT_OF_ORDER_SEQUENCE_NUMBER", false,
               "The producer sequence number is out of order."},
    error_info{ec::duplicate_sequence_number, "DUPLICATE_SEQUENCE_NUMBER", false,
               "The producer sequence number was already written."},
    error_info{ec::invalid_producer_epoch, "INVALID_PRODUCER_EPOCH", false,
               "The producer used an epoch that is no longer current."},
    error_info{ec::invalid_txn_state, "INVALID_TXN_STATE", false,
               "The transactional operation is not valid in the current state."},
    error_info{ec::invalid_producer_id_mapping, "INVALID_PRODUCER_ID_MAPPING", false,
               "The producer id is not the one assigned to this transactional id."},
    error_info{ec::invalid_transaction_timeout, "INVALID_TRANSACTION_TIMEOUT", false,
               "The transaction timeout exceeds the broker's maximum."},
    error_info{ec::concurrent_transactions, "CONCURRENT_TRANSACTIONS", true,
               "Another operation on the same transaction is still in progress."},
    error_info{ec::transaction_coordinator_fenced, "TRANSACTION_COORDINATOR_FENCED", false,
               "The sending transaction coordinator is no longer current for this producer."},
    error_info{ec::transactional_id_authorization_failed, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
               false, "Not authorized to use the transactional id."},
    error_info{ec::security_disabled, "SECURITY_DISABLED", false,
               "This cluster has security features turned off."},
    error_info{ec::operation_not_attempted, "OPERATION_NOT_ATTEMPTED", false,
               "The broker skipped this operation because another in the batch failed."},
    error_info{ec::kafka_storage_error, "KAFKA_STORAGE_ERROR", true,
               "A disk error occurred while accessing the log."},
    error_info{ec::log_dir_not_found, "LOG_DIR_NOT_FOUND", false,
               "The requested log directory is not configured on this broker."},
    error_info{ec::sasl_authentication_failed, "SASL_AUTHENTICATION_FAILED", false,
               "Authentication through SASL did not succeed."},
    error_info{ec::unknown_producer_id, "UNKNOWN_PRODUCER_ID", false,
               "The broker has no state for this producer id, e.g. after retention removed it."},
    error_info{ec::reassignment_in_progress, "REASSIGNMENT_IN_PROGRESS", false,
               "Another partition reassignment is still running."},
    error_info{ec::delegation_token_auth_disabled, "DELEGATION_TOKEN_AUTH_DISABLED", false,
               "Delegation tokens are not enabled."},
    error_info{ec::delegation_token_not_found, "DELEGATION_TOKEN_NOT_FOUND", false,
               "The delegation token does not exist on the server."},
    error_info{ec::delegation_token_owner_mismatch, "DELEGATION_TOKEN_OWNER_MISMATCH", false,
               "The principal is not the owner or a renewer of the token."},
    error_info{ec::delegation_token_request_not_allowed, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
               false, "Delegation token requests are not allowed on this kind of connection."},
    error_info{ec::delegation_token_authorization_failed, "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
               false, "Not authorized for this delegation token operation."},
    error_info{ec::delegation_token_expired, "DELEGATION_TOKEN_EXPIRED", false,
               "The delegation token has expired."},
    error_info{ec::invalid_principal_type, "INVALID_PRINCIPAL_TYPE", false,
               "The principal type is not supported."},
    error_info{ec::non_empty_group, "NON_EMPTY_GROUP", false, "The group still has members."},
    error_info{ec::group_id_not_found, "GROUP_ID_NOT_FOUND", false, "The group does not exist."},
    error_info{ec::fetch_session_id_not_found, "FETCH_SESSION_ID_NOT_FOUND", true,
               "The fetch session id is not known to this broker."},
    error_info{ec::invalid_fetch_session_epoch, "INVALID_FETCH_SESSION_EPOCH", true,
               "The fetch session epoch does not match."},
    error_info{ec::listener_not_found, "LISTENER_NOT_FOUND", true,
               "The leader has no listener matching the one this request arrived on."},
    error_info{ec::topic_deletion_disabled, "TOPIC_DELETION_DISABLED", false,
               "This cluster does not allow deleting topics."},
    error_info{ec::fenced_leader_epoch, "FENCED_LEADER_EPOCH", true,
               "The request's leader epoch is older than the broker's."},
    error_info{ec::unknown_leader_epoch, "UNKNOWN_LEADER_EPOCH", true,
               "The request's leader epoch is newer than the broker's."},
    error_info{ec::unsupported_compression_type, "UNSUPPORTED_COMPRESSION_TYPE", false,
               "The client cannot handle the compression type of this partition."},
    error_info{ec::stale_broker_epoch, "STALE_BROKER_EPOCH", false,
               "The broker epoch is no longer current."},
    error_info{ec::offset_not_available, "OFFSET_NOT_AVAILABLE", true,
               "The new leader's high watermark has not caught up, so offsets are not yet safe."},
    error_info{ec::member_id_required, "MEMBER_ID_REQUIRED", false,
               "The member must rejoin with the member id the coordinator assigned."},
    error_info{ec::preferred_leader_not_available, "PREFERRED_LEADER_NOT_AVAILABLE", true,
               "The preferred replica cannot become leader right now."},
    error_info{ec::group_max_size_reached, "GROUP_MAX_SIZE_REACHED", false,
               "The group has no room for another member."},
    error_info{ec::fenced_instance_id, "FENCED_INSTANCE_ID", false,
               "Another member with the same group.instance.id has replaced this one."},
    error_info{ec::eligible_leaders_not_available, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true,
               "No eligible leader is available for the partition."},
    error_info{ec::election_not_needed, "ELECTION_NOT_NEEDED", true,
               "The partition does not need a leader election."},
    error_info{ec::no_reassignment_in_progress, "NO_REASSIGNMENT_IN_PROGRESS", false,
               "There is no partition reassignment to act on."},
    error_info{ec::group_subscribed_to_topic, "GROUP_SUBSCRIBED_TO_TOPIC", false,
               "Cannot delete offsets of a topic the group is still subscribed to."},
    error_info{ec::invalid_record, "INVALID_RECORD", false,
               "The broker rejected a record that failed validation."},
    error_info{ec::unstable_offset_commit, "UNSTABLE_OFFSET_COMMIT", true,
               "Pending transactional offsets must be resolved first."},
    error_info{ec::throttling_quota_exceeded, "THROTTLING_QUOTA_EXCEEDED", true,
               "The request exceeded a throttling quota."},
    error_info{ec::producer_fenced, "PRODUCER_FENCED", false,
               "A newer producer with the same transactional id has fenced this one."},
    error_info{ec::resource_not_found, "RESOURCE_NOT_FOUND", false,
               "The request refers to a resource that does not exist."},
    error_info{ec::duplicate_resource, "DUPLICATE_RESOURCE", false,
               "The request refers to the same resource more than once."},
    error_info{ec::unacceptable_credential, "UNACCEPTABLE_CREDENTIAL", false,
               "The credential does not meet the acceptance criteria."},
    error_info{ec::inconsistent_voter_set, "INCONSISTENT_VOTER_SET", false,
               "The sender or receiver of a voter-only request is not an expected voter."},
    error_info{ec::invalid_update_version, "INVALID_UPDATE_VERSION", false,
               "The update version is not valid."},
    error_info{ec::feature_update_failed, "FEATURE_UPDATE_FAILED", false,
               "Finalized features could not be updated because of a server error."},
    error_info{ec::principal_deserialization_failure, "PRINCIPAL_DESERIALIZATION_FAILURE", false,
               "The forwarded request's principal could not be deserialized."},
    error_info{ec::snapshot_not_found, "SNAPSHOT_NOT_FOUND", false,
               "The requested snapshot does not exist."},
    error_info{ec::position_out_of_range, "POSITION_OUT_OF_RANGE", false,
               "The requested position is negative or beyond the end of the snapshot."},
    error_info{ec::unknown_topic_id, "UNKNOWN_TOPIC_ID", true,
               "No topic with this id is known to this server."},
    error_info{ec::duplicate_broker_registration, "DUPLICATE_BROKER_REGISTRATION", false,
               "This broker id is already registered."},
    error_info{ec::broker_id_not_registered, "BROKER_ID_NOT_REGISTERED", false,
               "This broker id is not registered."},
    error_info{ec::inconsistent_topic_id, "INCONSISTENT_TOPIC_ID", true,
               "The topic id in the request does not match the log's topic id."},
    error_info{ec::inconsistent_cluster_id, "INCONSISTENT_CLUSTER_ID", false,
               "The cluster id in the request does not match the server's."},
    error_info{ec::transactional_id_not_found, "TRANSACTIONAL_ID_NOT_FOUND", false,
               "The transactional id does not exist."},
    error_info{ec::fetch_session_topic_id_error, "FETCH_SESSION_TOPIC_ID_ERROR", true,
               "The fetch session used topic ids inconsistently."},
    error_info{ec::ineligible_replica, "INELIGIBLE_REPLICA", false,
               "The proposed ISR contains a replica that is not eligible."},
    error_info{ec::new_leader_elected, "NEW_LEADER_ELECTED", false,
               "The partition state was updated but a new leader has since been elected."},
    error_info{ec::offset_moved_to_tiered_storage, "OFFSET_MOVED_TO_TIERED_STORAGE", false,
               "The requested offset now lives in tiered storage."},
    error_info{ec::fenced_member_epoch, "FENCED_MEMBER_EPOCH", false,
               "The member epoch is fenced; drop all partitions and rejoin."},
    error_info{ec::unreleased_instance_id, "UNRELEASED_INSTANCE_ID", false,
               "Another member still holds this instance id and must leave first."},
    error_info{ec::unsupported_assignor, "UNSUPPORTED_ASSIGNOR", false,
               "The group does not support this assignor or its version range."},
    error_info{ec::stale_member_epoch, "STALE_MEMBER_EPOCH", false,
               "The member epoch is stale; retry with the epoch from the latest heartbeat."},
    error_info{ec::mismatched_endpoint_type, "MISMATCHED_ENDPOINT_TYPE", false,
               "The request reached an endpoint of the wrong type."},
    error_info{ec::unsupported_endpoint_type, "UNSUPPORTED_ENDPOINT_TYPE", false,
               "The broker does not support this endpoint type."},
    error_info{ec::unknown_controller_id, "UNKNOWN_CONTROLLER_ID", false,
               "No controller with this id is known."},
    error_info{ec::unknown_subscription_id, "UNKNOWN_SUBSCRIPTION_ID", false,
               "The telemetry subscription id is unknown or out of date."},
    error_info{ec::telemetry_too_large, "TELEMETRY_TOO_LARGE", false,
               "The pushed telemetry exceeds the maximum size the broker accepts."},
    error_info{ec::invalid_registration, "INVALID_REGISTRATION", false,
               "The controller considers the broker's registration invalid."},
    error_info{ec::transaction_abortable, "TRANSACTION_ABORTABLE", false,
               "The transaction hit an error; abort it to keep using the transactional id."},
    error_info{ec::invalid_record_state, "INVALID_RECORD_STATE", false,
               "The record is in a state that does not allow this acknowledgement."},
    error_info{ec::share_session_not_found, "SHARE_SESSION_NOT_FOUND", true,
               "The share session does not exist."},
    error_info{ec::invalid_share_session_epoch, "INVALID_SHARE_SESSION_EPOCH", true,
               "The share session epoch does not match."},
    error_info{ec::fenced_state_epoch, "FENCED_STATE_EPOCH", false,
               "The share coordinator rejected a mismatched share-group state epoch."},
    error_info{ec::invalid_voter_key, "INVALID_VOTER_KEY", false,
               "The voter key does not match the receiving replica's key."},
    error_info{ec::duplicate_voter, "DUPLICATE_VOTER", false,
               "The voter is already in the voter set."},
    error_info{ec::voter_not_found, "VOTER_NOT_FOUND", false,
               "The voter is not in the voter set."},
    error_info{ec::invalid_regular_expression, "INVALID_REGULAR_EXPRESSION", false,
               "The regular expression could not be parsed."},
    error_info{ec::rebootstrap_required, "REBOOTSTRAP_REQUIRED", false,
               "The client's metadata is stale; it must bootstrap again."},
    error_info{ec::streams_invalid_topology, "STREAMS_INVALID_TOPOLOGY", false,
               "The streams topology is not valid."},
    error_info{ec::streams_invalid_topology_epoch, "STREAMS_INVALID_TOPOLOGY_EPOCH", false,
               "The streams topology epoch is not valid."},
    error_info{ec::streams_topology_fenced, "STREAMS_TOPOLOGY_FENCED", false,
               "A newer streams topology epoch exists."},
    error_info{ec::share_session_limit_reached, "SHARE_SESSION_LIMIT_REACHED", true,
               "The broker already has as many share sessions as it allows."},
    error_info{ec::group_deletion_failed, "GROUP_DELETION_FAILED", false,
               "The group could not be deleted; see the error message for the cause."},
    error_info{ec::streams_topology_description_update_failed,
               "STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED", false,
               "The broker could not store the streams topology description."},
};

constexpr int first_code = -1;

// Row i must hold code i - 1: that is what lets describe() index directly.
constexpr bool codes_are_contiguous() {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (static_cast<int>(table[i].code) != first_code + static_cast<int>(i)) return false;
    return true;
}
static_assert(codes_are_contiguous(), "error table must be sorted by code, from -1, with no gaps");

constexpr bool rows_are_filled() {
    for (const auto& row : table)
        if (row.name.empty() || row.message.empty()) return false;
    return true;
}
static_assert(rows_are_filled(), "every error needs a name and a message");

// error_code_from_name() returns the first match, so a copy-pasted name would shadow a code.
constexpr bool names_are_unique() {
    for (std::size_t i = 0; i < table.size(); ++i)
        for (std::size_t j = i + 1; j < table.size(); ++j)
            if (table[i].name == table[j].name) return false;
    return true;
}
static_assert(names_are_unique(), "error names must be unique");

constexpr error_info unknown_code_info{ec::unknown_server_error, "UNKNOWN", false,
                                       "The error code is not one this broker knows."};

} // namespace

const error_info& describe(error_code code) noexcept {
    const int index = static_cast<int>(code) - first_code;
    if (index < 0 || static_cast<std::size_t>(index) >= table.size()) return unknown_code_info;
    return table[static_cast<std::size_t>(index)];
}

std::string_view name(error_code code) noexcept { return describe(code).name; }

bool is_retriable(error_code code) noexcept { return describe(code).retriable; }

std::span<const error_info> all_errors() noexcept { return table; }

std::optional<error_code> error_code_from_name(std::string_view kafka_name) noexcept {
    for (const auto& row : table)
        if (row.name == kafka_name) return row.code;
    return std::nullopt;
}

} // namespace sluice::protocol
