#pragma once
// topic_commands: `sluice topic create|list|describe|delete|alter-config` (docs/cli.md).
// Each returns the process exit code after writing its output.
#include "cli/options.h"

namespace sluice::cli {

int run_topic_create(const common_options& common, const topic_create_options& options);
int run_topic_delete(const common_options& common, const topic_delete_options& options);
int run_topic_list(const common_options& common, const topic_list_options& options);
int run_topic_describe(const common_options& common, const topic_describe_options& options);
// librdkafka 2.0.2 has no IncrementalAlterConfigs, so this reads the topic's overrides
// (DescribeConfigs), applies the changes and writes the whole set back with AlterConfigs.
// Not atomic: a concurrent change between the two requests is lost.
int run_topic_alter_config(const common_options& common, const topic_alter_config_options& options);

} // namespace sluice::cli
