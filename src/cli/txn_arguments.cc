#include "cli/txn_arguments.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace sluice::cli {

namespace {

// The states of Kafka's transaction coordinator (TransactionState.java), as ListTransactions
// filters and DescribeTransactions answers name them.
constexpr std::array<std::string_view, 8> transaction_states = {
    "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "PrepareEpochFence", "Dead"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

result<txn_list_options> list_options(const raw_txn& raw) {
    txn_list_options o;
    for (const auto& name : raw.list_states) {
        auto state = transaction_state_name(name);
        if (!state) return failure{"--state: " + state.error()};
        if (std::find(o.states.begin(), o.states.end(), *state) == o.states.end()) o.states.push_back(*state);
    }
    for (const int64_t id : raw.list_producer_ids) {
        const model::producer_id producer{id};
        if (std::find(o.producer_ids.begin(), o.producer_ids.end(), producer) == o.producer_ids.end())
            o.producer_ids.push_back(producer);
    }
    o.duration_ms = raw.list_duration_ms;
    return o;
}

} // namespace

result<std::string> transaction_state_name(std::string_view name) {
    for (const auto state : transaction_states) {
        if (equal_ignoring_case(name, state)) return std::string(state);
    }
    std::string known;
    for (const auto state : transaction_states) known += (known.empty() ? "" : ", ") + std::string(state);
    return failure{"unknown transaction state '" + std::string(name) + "' (" + known + ")"};
}

txn_commands add_txn_commands(CLI::App& txn, raw_txn& raw) {
    txn_commands c;
    c.list = txn.add_subcommand("list", "list the transactions of every broker");
    c.list->add_option("--state", raw.list_states, "only transactions in these states (repeatable, or comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false)
        ->take_all();
    c.list->add_option("--producer-id", raw.list_producer_ids, "only these producer ids (repeatable, or comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false)
        ->take_all()
        ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
    c.list->add_option("--duration-ms", raw.list_duration_ms,
                       "only transactions running longer than N ms (brokers with ListTransactions v1)")
        ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));

    c.describe = txn.add_subcommand("describe", "state, producer and partitions of a transactional id");
    c.describe->add_option("transactional-id", raw.describe.transactional_id, "transactional id")
        ->required()
        ->check([](const std::string& id) { return id.empty() ? std::string("must not be empty") : std::string(); });
    return c;
}

std::optional<result<command>> txn_command(const txn_commands& c, raw_txn& raw) {
    if (c.list->parsed()) {
        auto options = list_options(raw);
        if (!options) return result<command>(failure{options.error()});
        return result<command>(command{std::move(*options)});
    }
    if (c.describe->parsed()) return result<command>(command{std::move(raw.describe)});
    return std::nullopt;
}

} // namespace sluice::cli
