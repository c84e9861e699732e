#pragma once
// group_commands: `sluice group list|describe|delete|reset-offsets` (docs/cli.md), like
// kafka-consumer-groups.sh. Each returns the process exit code after writing its output.
#include "cli/options.h"

namespace sluice::cli {

// ListGroups on every broker (rd_kafka_ListConsumerGroups), the state filter sent along
// (ListGroups v4).
int run_group_list(const common_options& common, const group_list_options& options);
// DescribeGroups, OffsetFetch and ListOffsets (the log ends) per group.
int run_group_describe(const common_options& common, const group_describe_options& options);
// DeleteGroups; each group's result, exit 1 when any failed.
int run_group_delete(const common_options& common, const group_delete_options& options);
// ListOffsets (and OffsetFetch for --shift-by) to plan; OffsetCommit with --execute.
int run_group_reset_offsets(const common_options& common, const group_reset_offsets_options& options);

} // namespace sluice::cli
