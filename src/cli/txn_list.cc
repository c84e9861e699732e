// `sluice txn list`: ListTransactions (KIP-664) on every broker of the cluster, each being the
// coordinator of its own transactional ids.
#include <chrono>
#include <string>
#include <vector>

#include "cli/broker_client.h"
#include "cli/output.h"
#include "cli/txn_commands.h"
#include "cli/txn_view.h"
#include "protocol/generated/api_066_list_transactions.h"

namespace sluice::cli {

namespace {

namespace msg = protocol::msg;

struct broker_listing {
    std::vector<txn_listing> transactions;
    std::vector<std::string> unknown_states; // filters the broker does not know
};

msg::list_transactions_request list_request(const txn_list_options& options) {
    msg::list_transactions_request request;
    request.state_filters = options.states;
    request.producer_id_filters = options.producer_ids;
    if (options.duration_ms) request.duration_filter = *options.duration_ms;
    return request;
}

// ListTransactions on `broker`, asked again while it answers a retriable error (e.g.
// COORDINATOR_LOAD_IN_PROGRESS: its transaction state is still loading) until the deadline.
result<broker_listing> list_on(const broker_address& broker, const txn_list_options& options,
                               protocol_deadline deadline) {
    auto client = broker_client::open({broker.host, broker.port}, deadline);
    if (!client) return failure{client.error()};
    const auto version = client->version_of(msg::list_transactions_request::api_key);
    if (!version) return failure{client->peer() + ": the broker does not serve ListTransactions"};
    // The duration filter came with v1 (KIP-994); v0 would silently list everything.
    if (options.duration_ms && *version < 1)
        return failure{client->peer() + ": the broker does not serve ListTransactions v1 (needed for --duration-ms)"};
    const auto request = list_request(options);
    retry_backoff backoff(deadline);
    for (;;) {
        auto response = client->call<msg::list_transactions_response>(request, *version, deadline);
        if (!response) return failure{response.error()};
        if (response->error_code == protocol::error_code::none) {
            broker_listing out;
            out.unknown_states = response->unknown_state_filters;
            for (const auto& t : response->transaction_states)
                out.transactions.push_back({t.transactional_id, broker.id, t.producer_id, t.transaction_state});
            return out;
        }
        if (!protocol::is_retriable(response->error_code) || !backoff.wait())
            return failure{kafka_error_text(response->error_code)};
    }
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

} // namespace

int run_txn_list(const common_options& common, const txn_list_options& options) {
    const protocol_deadline deadline = protocol_clock::now() + std::chrono::milliseconds(common.timeout_ms);
    auto bootstrap = open_bootstrap(common.brokers, deadline);
    if (!bootstrap) return fail(bootstrap.error());
    auto brokers = cluster_brokers(*bootstrap, deadline);
    if (!brokers) return fail("list transactions: " + brokers.error());
    // One broker after the other, all within the one deadline: a CLI lists a handful.
    int exit_code = exit_ok;
    size_t answered = 0;
    std::vector<txn_listing> transactions;
    for (const auto& broker : *brokers) {
        auto listing = list_on(broker, options, deadline);
        const std::string which = "broker " + std::to_string(broker.id.value());
        if (!listing) {
            exit_code = fail("list transactions: " + which + ": " + listing.error());
            continue;
        }
        ++answered;
        if (!listing->unknown_states.empty())
            print_error(which + " does not know the state(s) " + joined(listing->unknown_states) + " (ignored)");
        transactions.insert(transactions.end(), listing->transactions.begin(), listing->transactions.end());
    }
    if (answered == 0 && !brokers->empty()) return exit_code; // nobody answered: no empty table
    write_stdout(common.format == output_format::json ? txn_list_json(std::move(transactions))
                                                      : txn_list_table(std::move(transactions)));
    return exit_code;
}

} // namespace sluice::cli
