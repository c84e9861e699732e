#pragma once
// txn_commands: `sluice txn list|describe` (docs/cli.md), like kafka-transactions.sh. librdkafka
// 2.0.2 has no admin call for either, so they speak the protocol themselves (broker_client.h).
// Each returns the process exit code after writing its output.
#include "cli/options.h"

namespace sluice::cli {

// Metadata for the brokers, then ListTransactions (v1 where served, else v0) on each in turn;
// a broker that fails is reported, the transactions of the others are still listed.
int run_txn_list(const common_options& common, const txn_list_options& options);
// FindCoordinator (key type TRANSACTION), then DescribeTransactions on the coordinator.
int run_txn_describe(const common_options& common, const txn_describe_options& options);

} // namespace sluice::cli
