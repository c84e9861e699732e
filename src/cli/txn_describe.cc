// `sluice txn describe`: FindCoordinator for the transactional id (key type TRANSACTION), then
// DescribeTransactions (KIP-664) on that coordinator.
#include <chrono>
#include <string>
#include <variant>

#include "cli/broker_client.h"
#include "cli/output.h"
#include "cli/txn_commands.h"
#include "cli/txn_view.h"
#include "protocol/generated/api_010_find_coordinator.h"
#include "protocol/generated/api_065_describe_transactions.h"

namespace sluice::cli {

namespace {

namespace msg = protocol::msg;
using protocol::error_code;

// FindCoordinator's key type of a transactional id (KIP-98; 0 is a group).
constexpr int8_t transaction_key_type = 1;
// The first FindCoordinator with coordinator_keys (KIP-699): one key per request before.
constexpr int16_t find_coordinator_batched = 4;

struct coordinator {
    model::node_id id;
    host_port address;
};

// A Kafka error code, or what was found: the broker answered, the caller decides whether to
// ask again.
template <typename T>
using answer = std::variant<T, error_code>;

result<answer<coordinator>> find_coordinator(broker_client& client, const std::string& transactional_id,
                                             protocol_deadline deadline) {
    // v1 brought key_type; v0 only finds group coordinators.
    const auto version = client.version_of(msg::find_coordinator_request::api_key, 1);
    if (!version) return failure{client.peer() + ": the broker does not serve FindCoordinator v1 or later"};
    msg::find_coordinator_request request;
    request.key_type = transaction_key_type;
    if (*version >= find_coordinator_batched) {
        request.coordinator_keys = {transactional_id};
    } else {
        request.key = transactional_id;
    }
    auto response = client.call<msg::find_coordinator_response>(request, *version, deadline);
    if (!response) return failure{response.error()};
    if (*version < find_coordinator_batched) {
        if (response->error_code != error_code::none) return answer<coordinator>(response->error_code);
        return answer<coordinator>(coordinator{response->node_id, {response->host, response->port}});
    }
    for (const auto& c : response->coordinators) {
        if (c.key != transactional_id) continue;
        if (c.error_code != error_code::none) return answer<coordinator>(c.error_code);
        return answer<coordinator>(coordinator{c.node_id, {c.host, c.port}});
    }
    return failure{client.peer() + ": FindCoordinator did not answer for '" + transactional_id + "'"};
}

result<answer<txn_description>> describe_on(const coordinator& at, const std::string& transactional_id,
                                            protocol_deadline deadline) {
    auto client = broker_client::open(at.address, deadline);
    if (!client) return failure{client.error()};
    const auto version = client->version_of(msg::describe_transactions_request::api_key);
    if (!version) return failure{client->peer() + ": the broker does not serve DescribeTransactions"};
    msg::describe_transactions_request request;
    request.transactional_ids = {transactional_id};
    auto response = client->call<msg::describe_transactions_response>(request, *version, deadline);
    if (!response) return failure{response.error()};
    for (const auto& t : response->transaction_states) {
        if (t.transactional_id != transactional_id) continue;
        if (t.error_code != error_code::none) return answer<txn_description>(t.error_code);
        txn_description d{at.id,         t.transactional_id, t.producer_id, t.producer_epoch, t.transaction_state,
                          t.transaction_timeout_ms, start_time_of(t.transaction_start_time_ms), {}};
        for (const auto& topic : t.topics) {
            for (const auto partition : topic.partitions) d.partitions.push_back({topic.topic, partition.value()});
        }
        return answer<txn_description>(std::move(d));
    }
    return failure{client->peer() + ": DescribeTransactions did not answer for '" + transactional_id + "'"};
}

// Finds the coordinator and asks it; both asked again while the answer is a retriable error
// (COORDINATOR_NOT_AVAILABLE while __transaction_state is being created, NOT_COORDINATOR after
// it moved, COORDINATOR_LOAD_IN_PROGRESS) until the deadline. The final Kafka error otherwise.
result<answer<txn_description>> describe(broker_client& bootstrap, const std::string& transactional_id,
                                         protocol_deadline deadline) {
    retry_backoff backoff(deadline);
    for (;;) {
        auto found = find_coordinator(bootstrap, transactional_id, deadline);
        if (!found) return failure{found.error()};
        error_code error = error_code::none;
        if (const auto* at = std::get_if<coordinator>(&*found)) {
            auto described = describe_on(*at, transactional_id, deadline);
            if (!described || std::holds_alternative<txn_description>(*described)) return described;
            error = std::get<error_code>(*described);
        } else {
            error = std::get<error_code>(*found);
        }
        if (!protocol::is_retriable(error) || !backoff.wait()) return answer<txn_description>(error);
    }
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

int run_txn_describe(const common_options& common, const txn_describe_options& options) {
    const std::string& id = options.transactional_id;
    const protocol_deadline deadline = protocol_clock::now() + std::chrono::milliseconds(common.timeout_ms);
    auto bootstrap = open_bootstrap(common.brokers, deadline);
    if (!bootstrap) return fail(bootstrap.error());
    auto described = describe(*bootstrap, id, deadline);
    if (!described) return fail("describe transaction '" + id + "': " + described.error());
    if (const auto* error = std::get_if<error_code>(&*described)) {
        if (*error == error_code::transactional_id_not_found) return fail("transactional id '" + id + "' not found");
        return fail("describe transaction '" + id + "': " + kafka_error_text(*error));
    }
    const auto& description = std::get<txn_description>(*described);
    write_stdout(common.format == output_format::json ? txn_describe_json(description, now_ms())
                                                      : txn_describe_table(description, now_ms()));
    return exit_ok;
}

} // namespace sluice::cli
