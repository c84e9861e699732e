#include "cli/group_arguments.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

#include "cli/offset_reset.h"

namespace sluice::cli {

namespace {

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The state names of Kafka's ConsumerGroupState, matched without regard to case as
// kafka-consumer-groups.sh --state does.
result<std::vector<group_state>> parse_states(const std::vector<std::string>& names) {
    static const std::map<std::string, group_state> by_name = {
        {"preparingrebalance", group_state::preparing_rebalance},
        {"completingrebalance", group_state::completing_rebalance},
        {"stable", group_state::stable},
        {"dead", group_state::dead},
        {"empty", group_state::empty}};
    std::vector<group_state> out;
    for (const auto& name : names) {
        const auto found = by_name.find(lowercase(name));
        if (found == by_name.end())
            return failure{"--state: unknown group state '" + name +
                           "' (PreparingRebalance, CompletingRebalance, Stable, Dead, Empty)"};
        if (std::find(out.begin(), out.end(), found->second) == out.end()) out.push_back(found->second);
    }
    return out;
}

void add_reset_offsets(CLI::App& reset, raw_group& raw) {
    reset.add_option("group", raw.reset_group, "group id")->required();
    auto* topic = reset.add_option("--topic", raw.reset_topics, "TOPIC or TOPIC:P,P... (repeatable)")
                      ->allow_extra_args(false)
                      ->take_all();
    reset.add_flag("--all-topics", raw.all_topics, "every partition the group has a committed offset for")
        ->excludes(topic);
    auto* earliest = reset.add_flag("--to-earliest", raw.to_earliest, "the log start");
    auto* latest = reset.add_flag("--to-latest", raw.to_latest, "the log end");
    auto* offset = reset.add_option("--to-offset", raw.to_offset, "offset N (kept within the log)");
    auto* datetime = reset.add_option("--to-datetime", raw.to_datetime,
                                      "the first record at or after YYYY-MM-DDTHH:MM:SS[.sss][zone]");
    auto* shift = reset.add_option("--shift-by", raw.shift_by, "the committed offset plus N (N may be negative)");
    const std::vector<CLI::Option*> targets = {earliest, latest, offset, datetime, shift};
    for (auto* a : targets) {
        for (auto* b : targets) {
            if (a != b) a->excludes(b);
        }
    }
    auto* execute = reset.add_flag("--execute", raw.execute, "commit the new offsets (default: only show them)");
    reset.add_flag("--dry-run", raw.dry_run, "only show the new offsets (the default)")->excludes(execute);
}

result<command> reset_command(raw_group& raw) {
    group_reset_offsets_options o;
    o.group = raw.reset_group;
    o.execute = raw.execute;
    o.all_topics = raw.all_topics;
    if (!raw.all_topics && raw.reset_topics.empty()) return failure{"reset-offsets: give --topic or --all-topics"};
    for (const auto& text : raw.reset_topics) {
        auto parsed = parse_topic_partitions(text);
        if (!parsed) return failure{parsed.error()};
        o.topics.push_back(std::move(*parsed));
    }
    if (raw.to_earliest) {
        o.target = reset_to_earliest{};
    } else if (raw.to_latest) {
        o.target = reset_to_latest{};
    } else if (raw.to_offset) {
        o.target = reset_to_offset{*raw.to_offset};
    } else if (raw.to_datetime) {
        auto ms = parse_datetime(*raw.to_datetime);
        if (!ms) return failure{ms.error()};
        o.target = reset_to_timestamp{*ms};
    } else if (raw.shift_by) {
        o.target = reset_shift_by{*raw.shift_by};
    } else {
        return failure{"reset-offsets: say where to (--to-earliest, --to-latest, --to-offset, --to-datetime or "
                       "--shift-by)"};
    }
    return command{std::move(o)};
}

} // namespace

group_commands add_group_commands(CLI::App& group, raw_group& raw) {
    group_commands c;
    c.list = group.add_subcommand("list", "list consumer groups");
    c.list->add_option("--state", raw.list_states, "only groups in these states (repeatable, or comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false)
        ->take_all();

    c.describe = group.add_subcommand("describe", "committed offsets, lag and members of groups");
    c.describe->add_option("names", raw.describe.names, "group ids")->required();
    auto* members = c.describe->add_flag("--members", raw.describe_members, "a table of members instead");
    c.describe->add_flag("--state", raw.describe_state, "a table of group states instead")->excludes(members);

    c.remove = group.add_subcommand("delete", "delete consumer groups (they must have no members)");
    c.remove->add_option("names", raw.remove.names, "group ids")->required();

    c.reset = group.add_subcommand("reset-offsets", "move a group's committed offsets (dry run unless --execute)");
    add_reset_offsets(*c.reset, raw);
    return c;
}

std::optional<result<command>> group_command(const group_commands& c, raw_group& raw) {
    if (c.list->parsed()) {
        auto states = parse_states(raw.list_states);
        if (!states) return result<command>(failure{states.error()});
        return result<command>(command{group_list_options{std::move(*states)}});
    }
    if (c.describe->parsed()) {
        raw.describe.view = raw.describe_members ? group_describe_view::members
                            : raw.describe_state ? group_describe_view::state
                                                 : group_describe_view::offsets;
        return result<command>(command{std::move(raw.describe)});
    }
    if (c.remove->parsed()) return result<command>(command{std::move(raw.remove)});
    if (c.reset->parsed()) return reset_command(raw);
    return std::nullopt;
}

} // namespace sluice::cli
