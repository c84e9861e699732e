#pragma once
// consume_command: `sluice consume TOPIC` (docs/cli.md).
//
// Without --group: every partition of the topic (or the one given) is read directly
// (consume_source.h) from the start position: the end by default (as kafka-console-consumer), the log start,
// an offset (negative: that many before the end), or the first offset at a timestamp
// (ListOffsets). Nothing is committed.
// With --group: it subscribes, starts at the group's committed offsets (where there are none:
// the end, or the start with --from-beginning) and commits the offsets of the records it
// printed (auto-commit of explicitly stored offsets, and once more on close).
//
// Stops after --count records, at the end of every assigned partition with --exit-at-end, or
// on SIGINT/SIGTERM (exit 0 after a clean close).
#include "cli/options.h"

namespace sluice::cli {

int run_consume(const common_options& common, const consume_options& options);

} // namespace sluice::cli
