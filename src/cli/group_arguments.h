#pragma once
// group_arguments: the `sluice group list|describe|delete|reset-offsets` part of the command
// line; arguments.cc builds the rest and calls these. CLI11 stays inside the parsing files.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "cli/result.h"

namespace sluice::cli {

// What CLI11 fills in; turned into options by group_command once the line is accepted.
struct raw_group {
    std::vector<std::string> list_states;
    group_describe_options describe;
    bool describe_members = false;
    bool describe_state = false;
    group_delete_options remove;
    std::string reset_group;
    std::vector<std::string> reset_topics;
    bool all_topics = false;
    bool to_earliest = false;
    bool to_latest = false;
    std::optional<int64_t> to_offset;
    std::optional<std::string> to_datetime;
    std::optional<int64_t> shift_by;
    bool execute = false;
    bool dry_run = false;
};

struct group_commands {
    CLI::App* list = nullptr;
    CLI::App* describe = nullptr;
    CLI::App* remove = nullptr;
    CLI::App* reset = nullptr;
};

group_commands add_group_commands(CLI::App& group, raw_group& raw);

// The command given, when it is a group command; a failure is a usage error (exit 2) that
// CLI11 could not express (an unknown state, a malformed --topic or --to-datetime).
std::optional<result<command>> group_command(const group_commands& commands, raw_group& raw);

} // namespace sluice::cli
