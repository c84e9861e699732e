#include "cli/arguments.h"

#include <CLI/CLI.hpp>

#include "cli/group_arguments.h"
#include "cli/txn_arguments.h"

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

namespace sluice::cli {

namespace {

// Values of repeated `k=v` options: checked while parsing, split afterwards.
const CLI::Validator key_value_check(
    [](std::string& text) -> std::string {
        return split_key_value(text) ? std::string() : "expected key=value, got '" + text + "'";
    },
    "KEY=VALUE", "key=value");

std::vector<key_value> split_all(const std::vector<std::string>& texts) {
    std::vector<key_value> out;
    for (const auto& t : texts) out.push_back(*split_key_value(t)); // checked by key_value_check
    return out;
}

// A repeatable option taking one value per occurrence: `-X a=1 topic list` must not read
// `topic` as a second value.
CLI::Option* add_repeated(CLI::App& app, const std::string& name, std::vector<std::string>& into,
                          const std::string& description) {
    return app.add_option(name, into, description)->allow_extra_args(false)->take_all();
}

struct raw_common {
    std::vector<std::string> properties;
};

void add_common_options(CLI::App& app, common_options& common, raw_common& raw) {
    app.add_option("-b,--brokers,--bootstrap-server", common.brokers, "bootstrap brokers host:port[,host:port...]")
        ->capture_default_str();
    const std::map<std::string, output_format> formats = {{"table", output_format::table},
                                                          {"json", output_format::json}};
    app.add_option("--format", common.format, "output format: table or json")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->default_str("table");
    add_repeated(app, "-X", raw.properties, "extra librdkafka property (repeatable)")->check(key_value_check);
    app.add_flag("-v,--verbose", common.verbose, "show librdkafka's log lines on stderr");
    app.add_option("--timeout-ms", common.timeout_ms, "admin, metadata and delivery timeout")
        ->check(CLI::Range(1, std::numeric_limits<int32_t>::max()))
        ->capture_default_str();
}

struct raw_topic {
    topic_create_options create;
    std::vector<std::string> create_configs;
    topic_describe_options describe;
    topic_delete_options remove;
    topic_alter_config_options alter;
    std::vector<std::string> alter_set;
};

struct topic_commands {
    CLI::App* create;
    CLI::App* list;
    CLI::App* describe;
    CLI::App* remove;
    CLI::App* alter;
};

topic_commands add_topic_commands(CLI::App& topic, raw_topic& raw) {
    topic_commands c{};
    c.create = topic.add_subcommand("create", "create a topic");
    c.create->add_option("name", raw.create.name, "topic name")->required();
    c.create->add_option("-p,--partitions", raw.create.partitions, "partition count (default: the broker's)")
        ->check(CLI::Range(1, std::numeric_limits<int32_t>::max()));
    c.create->add_option("-r,--replication-factor", raw.create.replication_factor,
                         "replicas per partition (default: the broker's)")
        ->check(CLI::Range(1, static_cast<int>(std::numeric_limits<int16_t>::max())));
    add_repeated(*c.create, "-c,--config", raw.create_configs, "topic config k=v (repeatable)")
        ->check(key_value_check);

    c.list = topic.add_subcommand("list", "list topics");

    c.describe = topic.add_subcommand("describe", "partitions, leaders, replicas, ISR and non-default configs");
    c.describe->add_option("names", raw.describe.names, "topic names")->required();

    c.remove = topic.add_subcommand("delete", "delete topics");
    c.remove->add_option("names", raw.remove.names, "topic names")->required();

    c.alter = topic.add_subcommand("alter-config", "set or delete topic config overrides");
    c.alter->add_option("name", raw.alter.name, "topic name")->required();
    add_repeated(*c.alter, "--set", raw.alter_set, "config to set, k=v (repeatable)")->check(key_value_check);
    add_repeated(*c.alter, "--delete", raw.alter.remove, "config to reset to its default (repeatable)");
    return c;
}

struct raw_produce {
    produce_options options;
    std::vector<std::string> headers;
};

CLI::App* add_produce_command(CLI::App& app, raw_produce& raw) {
    auto* produce = app.add_subcommand("produce", "produce one record per input line");
    auto& o = raw.options;
    produce->add_option("topic", o.topic, "topic name")->required();
    auto* key = produce->add_option("-k,--key", o.key, "key of every record");
    add_repeated(*produce, "-H,--header", raw.headers, "header k=v on every record (repeatable)")
        ->check(key_value_check);
    produce->add_option("-p,--partition", o.partition, "partition (default: by key, or sticky)")
        ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
    produce->add_option("--key-separator", o.key_separator, "each line is KEY SEP VALUE")
        ->check([](const std::string& s) { return s.empty() ? std::string("must not be empty") : std::string(); })
        ->excludes(key);
    produce->add_option("-f,--file", o.file, "read lines from PATH instead of stdin");
    produce->add_option("--acks", o.acks, "0, 1 or all (default: all)")->check(CLI::IsMember({"0", "1", "all"}));
    produce->add_option("--compression", o.compression, "none, gzip, snappy, lz4 or zstd")
        ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}));
    return produce;
}

struct raw_consume {
    consume_options options;
    bool from_beginning = false;
    std::optional<int64_t> offset;
    std::optional<int64_t> timestamp_ms;
};

CLI::App* add_consume_command(CLI::App& app, raw_consume& raw) {
    auto* consume = app.add_subcommand("consume", "print records of a topic");
    auto& o = raw.options;
    consume->add_option("topic", o.topic, "topic name")->required();
    auto* partition = consume->add_option("-p,--partition", o.partition, "only this partition")
                          ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
    auto* beginning = consume->add_flag("--from-beginning", raw.from_beginning, "start at the log start");
    auto* offset = consume->add_option("-o,--offset", raw.offset, "start at offset N (negative: N before the end)");
    auto* timestamp = consume->add_option("--from-timestamp", raw.timestamp_ms,
                                          "start at the first record with timestamp >= MS")
                          ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
    beginning->excludes(offset)->excludes(timestamp);
    offset->excludes(timestamp);
    // A group consumer starts at its committed offsets; where it has none, auto.offset.reset
    // decides (--from-beginning: earliest). Explicit positions and partitions need assign().
    consume->add_option("-g,--group", o.group, "consume as a member of GROUP and commit")
        ->excludes(partition)
        ->excludes(offset)
        ->excludes(timestamp);
    consume->add_option("-c,--count", o.count, "exit after N records")
        ->check(CLI::Range(int64_t{1}, std::numeric_limits<int64_t>::max()));
    consume->add_flag("-e,--exit-at-end", o.exit_at_end, "exit when every partition is read to its end");
    consume->add_flag("--print-key", o.print_key, "print keys");
    consume->add_flag("--print-headers", o.print_headers, "print headers");
    consume->add_flag("--print-offset", o.print_offset, "print partition and offset");
    return consume;
}

start_position start_of(const raw_consume& raw) {
    if (raw.from_beginning) return start_at_beginning{};
    if (raw.offset) return start_at_offset{*raw.offset};
    if (raw.timestamp_ms) return start_at_timestamp{*raw.timestamp_ms};
    return start_at_end{};
}

// Checks CLI11 cannot express; empty when the invocation is fine.
std::string check_semantics(const invocation& inv) {
    if (const auto* alter = std::get_if<topic_alter_config_options>(&inv.what)) {
        if (alter->set.empty() && alter->remove.empty()) return "alter-config: nothing to do (give --set or --delete)";
        for (const auto& kv : alter->set) {
            if (std::find(alter->remove.begin(), alter->remove.end(), kv.key) != alter->remove.end())
                return "alter-config: '" + kv.key + "' is both set and deleted";
        }
    }
    // The txn commands speak the protocol themselves (protocol_client.h), in plaintext: a
    // librdkafka property (security.protocol, sasl.*) would silently not apply.
    const bool txn = std::holds_alternative<txn_list_options>(inv.what) ||
                     std::holds_alternative<txn_describe_options>(inv.what);
    if (txn && !inv.common.properties.empty())
        return "txn: -X does not apply (the txn commands do not use librdkafka; plaintext connections only)";
    return {};
}

parse_outcome usage_error(const std::string& message) {
    parse_outcome outcome;
    outcome.exit_code = 2;
    outcome.message = message + "\n";
    return outcome;
}

} // namespace

std::optional<key_value> split_key_value(std::string_view text) {
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    return key_value{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

parse_outcome parse_arguments(const std::vector<std::string>& argv) {
    CLI::App app("Kafka command-line client (topics, produce, consume, groups, transactions)", "sluice");
    app.require_subcommand(1);
    app.fallthrough(); // common options may also follow the subcommands
    invocation inv;
    raw_common common;
    add_common_options(app, inv.common, common);

    auto* topic = app.add_subcommand("topic", "create, list, describe, delete and configure topics");
    topic->require_subcommand(1);
    raw_topic topic_raw;
    const topic_commands topic_sub = add_topic_commands(*topic, topic_raw);
    raw_produce produce_raw;
    auto* produce = add_produce_command(app, produce_raw);
    raw_consume consume_raw;
    auto* consume = add_consume_command(app, consume_raw);
    auto* group = app.add_subcommand("group", "list, describe and delete consumer groups; reset their offsets");
    group->require_subcommand(1);
    raw_group group_raw;
    const group_commands group_sub = add_group_commands(*group, group_raw);
    auto* txn = app.add_subcommand("txn", "list and describe transactions");
    txn->require_subcommand(1);
    raw_txn txn_raw;
    const txn_commands txn_sub = add_txn_commands(*txn, txn_raw);

    const std::string footer =
        "Common options, before or after the command: -b,--brokers, --format table|json, -X key=value, "
        "-v,--verbose, --timeout-ms (sluice --help).";
    for (CLI::App* command : {topic, topic_sub.create, topic_sub.list, topic_sub.describe, topic_sub.remove,
                              topic_sub.alter, produce, consume, group, group_sub.list, group_sub.describe,
                              group_sub.remove, group_sub.reset, txn, txn_sub.list, txn_sub.describe})
        command->footer(footer);

    parse_outcome outcome;
    try {
        // CLI11 takes the arguments without the program name, in reverse order.
        std::vector<std::string> args(argv.rbegin(), argv.rend());
        if (!args.empty()) args.pop_back();
        app.parse(std::move(args));
    } catch (const CLI::ParseError& e) {
        std::ostringstream out, err;
        app.exit(e, out, err);
        const bool help = e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success);
        outcome.exit_code = help ? 0 : 2;
        outcome.message = help ? out.str() : err.str();
        return outcome;
    }

    inv.common.properties = split_all(common.properties);
    if (topic_sub.create->parsed()) {
        topic_raw.create.configs = split_all(topic_raw.create_configs);
        inv.what = std::move(topic_raw.create);
    } else if (topic_sub.list->parsed()) {
        inv.what = topic_list_options{};
    } else if (topic_sub.describe->parsed()) {
        inv.what = std::move(topic_raw.describe);
    } else if (topic_sub.remove->parsed()) {
        inv.what = std::move(topic_raw.remove);
    } else if (topic_sub.alter->parsed()) {
        topic_raw.alter.set = split_all(topic_raw.alter_set);
        inv.what = std::move(topic_raw.alter);
    } else if (produce->parsed()) {
        produce_raw.options.headers = split_all(produce_raw.headers);
        inv.what = std::move(produce_raw.options);
    } else if (consume->parsed()) {
        consume_raw.options.start = start_of(consume_raw);
        inv.what = std::move(consume_raw.options);
    } else if (auto parsed = group_command(group_sub, group_raw)) {
        if (!*parsed) return usage_error(parsed->error());
        inv.what = std::move(**parsed);
    } else if (auto parsed_txn = txn_command(txn_sub, txn_raw)) {
        if (!*parsed_txn) return usage_error(parsed_txn->error());
        inv.what = std::move(**parsed_txn);
    }
    if (std::string problem = check_semantics(inv); !problem.empty()) return usage_error(problem);
    outcome.parsed = std::move(inv);
    return outcome;
}

} // namespace sluice::cli
