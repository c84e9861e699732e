// `sluice group ...` command lines (group_arguments.cc, through parse_arguments).
#include <gtest/gtest.h>

#include "cli/arguments.h"

namespace sluice::cli {
namespace {

parse_outcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), {"sluice", "group"});
    return parse_arguments(args);
}

template <typename T>
T parsed_as(std::vector<std::string> args) {
    auto outcome = parse(std::move(args));
    EXPECT_TRUE(outcome.parsed) << outcome.message;
    if (!outcome.parsed || !std::holds_alternative<T>(outcome.parsed->what)) {
        ADD_FAILURE() << "not the expected command";
        return T{};
    }
    return std::get<T>(outcome.parsed->what);
}

void expect_usage_error(std::vector<std::string> args, const std::string& mentions) {
    auto outcome = parse(args);
    EXPECT_FALSE(outcome.parsed);
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.message.find(mentions), std::string::npos) << outcome.message;
}

TEST(group_arguments, list_with_and_without_states) {
    EXPECT_TRUE(parsed_as<group_list_options>({"list"}).states.empty());
    EXPECT_EQ(parsed_as<group_list_options>({"list", "--state", "Stable", "--state", "empty"}).states,
              (std::vector<group_state>{group_state::stable, group_state::empty}));
    // Comma-separated as kafka-consumer-groups.sh takes them; duplicates collapse.
    EXPECT_EQ(parsed_as<group_list_options>({"list", "--state", "PreparingRebalance,COMPLETINGREBALANCE,dead,Dead"}).states,
              (std::vector<group_state>{group_state::preparing_rebalance, group_state::completing_rebalance,
                                        group_state::dead}));
    expect_usage_error({"list", "--state", "Running"}, "unknown group state 'Running'");
}

TEST(group_arguments, describe_views) {
    auto plain = parsed_as<group_describe_options>({"describe", "a", "b"});
    EXPECT_EQ(plain.names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(plain.view, group_describe_view::offsets);
    EXPECT_EQ(parsed_as<group_describe_options>({"describe", "a", "--members"}).view, group_describe_view::members);
    EXPECT_EQ(parsed_as<group_describe_options>({"describe", "--state", "a"}).view, group_describe_view::state);
    expect_usage_error({"describe", "a", "--members", "--state"}, "excludes");
    expect_usage_error({"describe"}, "names");
}

TEST(group_arguments, delete_takes_group_names) {
    EXPECT_EQ(parsed_as<group_delete_options>({"delete", "x", "y"}).names, (std::vector<std::string>{"x", "y"}));
    expect_usage_error({"delete"}, "names");
}

TEST(group_arguments, reset_offsets_targets) {
    auto earliest = parsed_as<group_reset_offsets_options>({"reset-offsets", "g", "--topic", "t", "--to-earliest"});
    EXPECT_EQ(earliest.group, "g");
    EXPECT_EQ(earliest.topics, (std::vector<topic_partitions>{{"t", {}}}));
    EXPECT_TRUE(std::holds_alternative<reset_to_earliest>(earliest.target));
    EXPECT_FALSE(earliest.execute);

    auto latest = parsed_as<group_reset_offsets_options>(
        {"reset-offsets", "g", "--topic", "t:1,0", "--topic", "u", "--to-latest", "--execute"});
    EXPECT_EQ(latest.topics, (std::vector<topic_partitions>{{"t", {1, 0}}, {"u", {}}}));
    EXPECT_TRUE(std::holds_alternative<reset_to_latest>(latest.target));
    EXPECT_TRUE(latest.execute);

    auto all = parsed_as<group_reset_offsets_options>({"reset-offsets", "g", "--all-topics", "--to-latest"});
    EXPECT_TRUE(all.all_topics);
    EXPECT_TRUE(all.topics.empty());
    EXPECT_FALSE(latest.all_topics);

    auto offset = parsed_as<group_reset_offsets_options>({"reset-offsets", "g", "--topic", "t", "--to-offset", "42"});
    EXPECT_EQ(std::get<reset_to_offset>(offset.target).offset, 42);

    auto shift = parsed_as<group_reset_offsets_options>({"reset-offsets", "g", "--topic", "t", "--shift-by", "-3"});
    EXPECT_EQ(std::get<reset_shift_by>(shift.target).delta, -3);

    auto time = parsed_as<group_reset_offsets_options>(
        {"reset-offsets", "g", "--topic", "t", "--to-datetime", "2024-03-01T12:34:56.789Z", "--dry-run"});
    EXPECT_EQ(std::get<reset_to_timestamp>(time.target).timestamp_ms, 1'709'296'496'789);
    EXPECT_FALSE(time.execute);
}

TEST(group_arguments, reset_offsets_usage_errors) {
    expect_usage_error({"reset-offsets", "g", "--topic", "t"}, "say where to");
    expect_usage_error({"reset-offsets", "g", "--to-earliest"}, "give --topic or --all-topics");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--all-topics", "--to-earliest"}, "excludes");
    expect_usage_error({"reset-offsets", "--topic", "t", "--to-earliest"}, "group");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--to-earliest", "--to-latest"}, "excludes");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--shift-by", "1", "--to-offset", "2"}, "excludes");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--to-latest", "--execute", "--dry-run"}, "excludes");
    expect_usage_error({"reset-offsets", "g", "--topic", "t:x", "--to-latest"}, "'x' is not a partition");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--to-datetime", "2024-03-01"}, "--to-datetime");
    expect_usage_error({"reset-offsets", "g", "--topic", "t", "--to-offset", "many"}, "to-offset");
}

TEST(group_arguments, a_group_command_is_required) {
    expect_usage_error({}, "subcommand");
    expect_usage_error({"rename"}, "subcommand");
}

} // namespace
} // namespace sluice::cli
