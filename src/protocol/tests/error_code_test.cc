#include "protocol/error_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace sluice::protocol {
namespace {

int16_t wire(error_code code) { return static_cast<int16_t>(code); }

// Numbers and names are wire protocol: checked against Kafka's Errors.java, never against
// our own table, so a shifted row fails here even if the table is self-consistent.
TEST(error_code, wire_values_match_kafka) {
    struct expected {
        error_code code;
        int16_t value;
        std::string_view name;
    };
    const expected cases[] = {
        {error_code::unknown_server_error, -1, "UNKNOWN_SERVER_ERROR"},
        {error_code::none, 0, "NONE"},
        {error_code::offset_out_of_range, 1, "OFFSET_OUT_OF_RANGE"},
        {error_code::corrupt_message, 2, "CORRUPT_MESSAGE"},
        {error_code::unknown_topic_or_partition, 3, "UNKNOWN_TOPIC_OR_PARTITION"},
        {error_code::not_leader_or_follower, 6, "NOT_LEADER_OR_FOLLOWER"},
        {error_code::request_timed_out, 7, "REQUEST_TIMED_OUT"},
        {error_code::message_too_large, 10, "MESSAGE_TOO_LARGE"},
        {error_code::not_coordinator, 16, "NOT_COORDINATOR"},
        {error_code::record_list_too_large, 18, "RECORD_LIST_TOO_LARGE"},
        {error_code::not_enough_replicas, 19, "NOT_ENOUGH_REPLICAS"},
        {error_code::illegal_generation, 22, "ILLEGAL_GENERATION"},
        {error_code::rebalance_in_progress, 27, "REBALANCE_IN_PROGRESS"},
        {error_code::unsupported_version, 35, "UNSUPPORTED_VERSION"},
        {error_code::topic_already_exists, 36, "TOPIC_ALREADY_EXISTS"},
        {error_code::invalid_partitions, 37, "INVALID_PARTITIONS"},
        {error_code::invalid_request, 42, "INVALID_REQUEST"},
        {error_code::out_of_order_sequence_number, 45, "OUT_OF_ORDER_SEQUENCE_NUMBER"},
        {error_code::invalid_producer_epoch, 47, "INVALID_PRODUCER_EPOCH"},
        {error_code::concurrent_transactions, 51, "CONCURRENT_TRANSACTIONS"},
        {error_code::kafka_storage_error, 56, "KAFKA_STORAGE_ERROR"},
        {error_code::unknown_producer_id, 59, "UNKNOWN_PRODUCER_ID"},
        {error_code::fetch_session_id_not_found, 70, "FETCH_SESSION_ID_NOT_FOUND"},
        {error_code::fenced_leader_epoch, 74, "FENCED_LEADER_EPOCH"},
        {error_code::offset_not_available, 78, "OFFSET_NOT_AVAILABLE"},
        {error_code::member_id_required, 79, "MEMBER_ID_REQUIRED"},
        {error_code::fenced_instance_id, 82, "FENCED_INSTANCE_ID"},
        {error_code::invalid_record, 87, "INVALID_RECORD"},
        {error_code::throttling_quota_exceeded, 89, "THROTTLING_QUOTA_EXCEEDED"},
        {error_code::producer_fenced, 90, "PRODUCER_FENCED"},
        {error_code::unknown_topic_id, 100, "UNKNOWN_TOPIC_ID"},
        {error_code::fenced_member_epoch, 110, "FENCED_MEMBER_EPOCH"},
        {error_code::stale_member_epoch, 113, "STALE_MEMBER_EPOCH"},
        {error_code::transaction_abortable, 120, "TRANSACTION_ABORTABLE"},
        {error_code::share_session_not_found, 122, "SHARE_SESSION_NOT_FOUND"},
        {error_code::rebootstrap_required, 129, "REBOOTSTRAP_REQUIRED"},
        {error_code::share_session_limit_reached, 133, "SHARE_SESSION_LIMIT_REACHED"},
        {error_code::streams_topology_description_update_failed, 135,
         "STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(wire(c.code), c.value) << c.name;
        EXPECT_EQ(name(c.code), c.name) << c.value;
        EXPECT_EQ(describe(c.code).code, c.code) << c.name;
    }
}

// Retriable = the Java exception extends RetriableException. Includes the surprising ones:
// CORRUPT_MESSAGE and NOT_CONTROLLER are retriable; PRODUCER_FENCED and REBALANCE_IN_PROGRESS
// are not.
TEST(error_code, retriable_flags_match_kafka) {
    for (auto code : {error_code::corrupt_message, error_code::unknown_topic_or_partition,
                      error_code::leader_not_available, error_code::not_leader_or_follower,
                      error_code::request_timed_out, error_code::replica_not_available,
                      error_code::network_exception, error_code::coordinator_load_in_progress,
                      error_code::coordinator_not_available, error_code::not_coordinator,
                      error_code::not_enough_replicas, error_code::not_enough_replicas_after_append,
                      error_code::not_controller, error_code::concurrent_transactions,
                      error_code::kafka_storage_error, error_code::fetch_session_id_not_found,
                      error_code::invalid_fetch_session_epoch, error_code::fenced_leader_epoch,
                      error_code::unknown_leader_epoch, error_code::offset_not_available,
                      error_code::unstable_offset_commit, error_code::throttling_quota_exceeded,
                      error_code::unknown_topic_id, error_code::share_session_limit_reached})
        EXPECT_TRUE(is_retriable(code)) << name(code);

    for (auto code : {error_code::unknown_server_error, error_code::none,
                      error_code::offset_out_of_range, error_code::broker_not_available,
                      error_code::message_too_large, error_code::record_list_too_large,
                      error_code::illegal_generation, error_code::unknown_member_id,
                      error_code::rebalance_in_progress, error_code::topic_authorization_failed,
                      error_code::unsupported_version, error_code::invalid_request,
                      error_code::out_of_order_sequence_number, error_code::invalid_producer_epoch,
                      error_code::unknown_producer_id, error_code::invalid_record,
                      error_code::producer_fenced, error_code::fenced_instance_id,
                      error_code::transaction_abortable, error_code::rebootstrap_required,
                      error_code::group_deletion_failed})
        EXPECT_FALSE(is_retriable(code)) << name(code);
}

TEST(error_code, table_is_contiguous_from_minus_one) {
    const auto errors = all_errors();
    ASSERT_EQ(errors.size(), 137u); // -1 .. 135
    int expected = -1;
    for (const auto& info : errors) {
        EXPECT_EQ(wire(info.code), expected);
        EXPECT_EQ(&describe(info.code), &info);
        ++expected;
    }
}

TEST(error_code, names_round_trip_and_are_unique) {
    std::set<std::string_view> seen;
    for (const auto& info : all_errors()) {
        EXPECT_TRUE(seen.insert(info.name).second) << "duplicate " << info.name;
        const auto parsed = error_code_from_name(info.name);
        ASSERT_TRUE(parsed.has_value()) << info.name;
        EXPECT_EQ(*parsed, info.code);
        EXPECT_FALSE(info.message.empty()) << info.name;
    }
}

TEST(error_code, unknown_names_are_rejected) {
    EXPECT_FALSE(error_code_from_name("").has_value());
    EXPECT_FALSE(error_code_from_name("UNKNOWN").has_value());
    EXPECT_FALSE(error_code_from_name("unknown_topic_or_partition").has_value());
    EXPECT_FALSE(error_code_from_name("NOT_LEADER_FOR_PARTITION").has_value()); // pre-2.6 name
    const std::string with_space = "NONE ";
    EXPECT_FALSE(error_code_from_name(with_space).has_value());
}

TEST(error_code, out_of_range_values_get_the_fallback) {
    for (int16_t raw : {int16_t{-2}, int16_t{136}, int16_t{1000}, int16_t{INT16_MIN},
                        int16_t{INT16_MAX}}) {
        const auto code = static_cast<error_code>(raw);
        const auto& info = describe(code);
        EXPECT_EQ(info.name, "UNKNOWN") << raw;
        EXPECT_EQ(info.code, error_code::unknown_server_error) << raw;
        EXPECT_FALSE(info.retriable) << raw;
        EXPECT_FALSE(info.message.empty()) << raw;
        EXPECT_EQ(name(code), "UNKNOWN") << raw;
        EXPECT_FALSE(is_retriable(code)) << raw;
    }
}

} // namespace
} // namespace sluice::protocol
