#pragma once
// arguments: the command line of `sluice topic|produce|consume|group` (docs/cli.md) into an
// invocation. Parsing is a configuration boundary: CLI11's exceptions stay inside
// parse_arguments, which returns either the invocation or the text to print and the exit code.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"

namespace sluice::cli {

struct parse_outcome {
    std::optional<invocation> parsed;
    // When nothing was parsed: 0 after --help (message is the help, for stdout) or 2 for a
    // usage error (message says what is wrong, for stderr).
    int exit_code = 0;
    std::string message;
};

// `argv[0]` is the program name, `argv[1]` the command (topic, produce, consume, group).
parse_outcome parse_arguments(const std::vector<std::string>& argv);

// "k=v" split at the first '='; nullopt when there is no '=' or the key is empty.
std::optional<key_value> split_key_value(std::string_view text);

} // namespace sluice::cli
