#pragma once
// txn_arguments: the `sluice txn list|describe` part of the command line; arguments.cc builds
// the rest and calls these. CLI11 stays inside the parsing files.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "cli/result.h"

namespace sluice::cli {

// What CLI11 fills in; turned into options by txn_command once the line is accepted.
struct raw_txn {
    std::vector<std::string> list_states;
    std::vector<int64_t> list_producer_ids;
    std::optional<int64_t> list_duration_ms;
    txn_describe_options describe;
};

struct txn_commands {
    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
};

txn_commands add_txn_commands(CLI::App& txn, raw_txn& raw);

// The command given, when it is a txn command; a failure is a usage error (exit 2) CLI11 could
// not express (an unknown transaction state).
std::optional<result<command>> txn_command(const txn_commands& commands, raw_txn& raw);

// Kafka's name of a transaction state (TransactionState: "Ongoing", "PrepareCommit", ...) for
// `name` in any case; a failure names the states there are.
result<std::string> transaction_state_name(std::string_view name);

} // namespace sluice::cli
