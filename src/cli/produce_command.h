#pragma once
// produce_command: `sluice produce TOPIC` (docs/cli.md). Reads lines from stdin or --file,
// produces one record per line, waits for every delivery report, prints the summary. Exit 1
// when any record was not delivered (the first error is printed).
#include "cli/options.h"

namespace sluice::cli {

int run_produce(const common_options& common, const produce_options& options);

} // namespace sluice::cli
