#include "cli/cli.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/arguments.h"
#include "cli/consume_command.h"
#include "cli/group_commands.h"
#include "cli/output.h"
#include "cli/produce_command.h"
#include "cli/topic_commands.h"
#include "cli/txn_commands.h"

namespace sluice::cli {

namespace {

struct dispatch {
    const common_options& common;
    int operator()(const topic_create_options& o) const { return run_topic_create(common, o); }
    int operator()(const topic_list_options& o) const { return run_topic_list(common, o); }
    int operator()(const topic_describe_options& o) const { return run_topic_describe(common, o); }
    int operator()(const topic_delete_options& o) const { return run_topic_delete(common, o); }
    int operator()(const topic_alter_config_options& o) const { return run_topic_alter_config(common, o); }
    int operator()(const produce_options& o) const { return run_produce(common, o); }
    int operator()(const consume_options& o) const { return run_consume(common, o); }
    int operator()(const group_list_options& o) const { return run_group_list(common, o); }
    int operator()(const group_describe_options& o) const { return run_group_describe(common, o); }
    int operator()(const group_delete_options& o) const { return run_group_delete(common, o); }
    int operator()(const group_reset_offsets_options& o) const { return run_group_reset_offsets(common, o); }
    int operator()(const txn_list_options& o) const { return run_txn_list(common, o); }
    int operator()(const txn_describe_options& o) const { return run_txn_describe(common, o); }
};

} // namespace

bool is_cli_command(const char* command) noexcept {
    const std::string_view c = command;
    return c == "topic" || c == "produce" || c == "consume" || c == "group" || c == "txn";
}

int run(int argc, char** argv) {
    const parse_outcome parsed = parse_arguments(std::vector<std::string>(argv, argv + argc));
    if (!parsed.parsed) {
        std::fputs(parsed.message.c_str(), parsed.exit_code == exit_ok ? stdout : stderr);
        return parsed.exit_code;
    }
    const int exit_code = std::visit(dispatch{parsed.parsed->common}, parsed.parsed->what);
    std::fflush(stdout);
    return exit_code;
}

} // namespace sluice::cli
