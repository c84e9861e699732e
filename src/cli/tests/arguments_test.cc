#include "cli/arguments.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

parse_outcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), "sluice");
    return parse_arguments(args);
}

template <typename T>
T parsed_as(std::vector<std::string> args) {
    auto outcome = parse(std::move(args));
    EXPECT_TRUE(outcome.parsed) << outcome.message;
    if (!outcome.parsed) return T{};
    EXPECT_TRUE(std::holds_alternative<T>(outcome.parsed->what));
    return std::holds_alternative<T>(outcome.parsed->what) ? std::get<T>(outcome.parsed->what) : T{};
}

void expect_usage_error(std::vector<std::string> args, const std::string& mentions) {
    auto outcome = parse(args);
    EXPECT_FALSE(outcome.parsed);
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.message.find(mentions), std::string::npos) << outcome.message;
}

TEST(split_key_value, splits_at_the_first_equals_sign) {
    EXPECT_EQ(split_key_value("a=b=c"), (key_value{"a", "b=c"}));
    EXPECT_EQ(split_key_value("a="), (key_value{"a", ""}));
    EXPECT_FALSE(split_key_value("a"));
    EXPECT_FALSE(split_key_value("=b"));
}

TEST(arguments, common_options_have_defaults) {
    auto outcome = parse({"topic", "list"});
    ASSERT_TRUE(outcome.parsed) << outcome.message;
    EXPECT_EQ(outcome.parsed->common.brokers, "localhost:9092");
    EXPECT_EQ(outcome.parsed->common.format, output_format::table);
    EXPECT_TRUE(outcome.parsed->common.properties.empty());
    EXPECT_FALSE(outcome.parsed->common.verbose);
    EXPECT_EQ(outcome.parsed->common.timeout_ms, 30'000);
}

TEST(arguments, common_options_before_or_after_the_subcommand) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-b", "h:1", "--format", "json", "-X", "a=1", "-X", "b=2", "topic", "list"},
             {"topic", "list", "-b", "h:1", "--format", "json", "-X", "a=1", "-X", "b=2"},
             {"topic", "-b", "h:1", "list", "--format=json", "-X", "a=1", "-X", "b=2"}}) {
        auto outcome = parse(args);
        ASSERT_TRUE(outcome.parsed) << outcome.message;
        EXPECT_TRUE(std::holds_alternative<topic_list_options>(outcome.parsed->what));
        EXPECT_EQ(outcome.parsed->common.brokers, "h:1");
        EXPECT_EQ(outcome.parsed->common.format, output_format::json);
        EXPECT_EQ(outcome.parsed->common.properties, (std::vector<key_value>{{"a", "1"}, {"b", "2"}}));
    }
}

TEST(arguments, topic_create) {
    auto o = parsed_as<topic_create_options>(
        {"topic", "create", "orders", "-p", "3", "--replication-factor", "2", "-c", "retention.ms=1000", "--config",
         "cleanup.policy=compact"});
    EXPECT_EQ(o.name, "orders");
    EXPECT_EQ(o.partitions, 3);
    EXPECT_EQ(o.replication_factor, 2);
    EXPECT_EQ(o.configs, (std::vector<key_value>{{"retention.ms", "1000"}, {"cleanup.policy", "compact"}}));
}

TEST(arguments, topic_create_defaults_to_the_broker_defaults) {
    auto o = parsed_as<topic_create_options>({"topic", "create", "orders"});
    EXPECT_EQ(o.partitions, -1);
    EXPECT_EQ(o.replication_factor, -1);
}

TEST(arguments, topic_describe_and_delete_take_several_names) {
    EXPECT_EQ(parsed_as<topic_describe_options>({"topic", "describe", "a", "b"}).names,
              (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(parsed_as<topic_delete_options>({"topic", "delete", "a", "b", "c"}).names,
              (std::vector<std::string>{"a", "b", "c"}));
}

TEST(arguments, topic_alter_config) {
    auto o = parsed_as<topic_alter_config_options>(
        {"topic", "alter-config", "t", "--set", "a=1", "--set", "b=2", "--delete", "c"});
    EXPECT_EQ(o.name, "t");
    EXPECT_EQ(o.set, (std::vector<key_value>{{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(o.remove, (std::vector<std::string>{"c"}));
}

TEST(arguments, produce) {
    auto o = parsed_as<produce_options>({"produce", "t", "-k", "K", "-H", "h1=v1", "--header", "h2=", "-p", "2",
                                         "-f", "in.txt", "--acks", "1", "--compression", "zstd"});
    EXPECT_EQ(o.topic, "t");
    EXPECT_EQ(o.key, "K");
    EXPECT_EQ(o.headers, (std::vector<key_value>{{"h1", "v1"}, {"h2", ""}}));
    EXPECT_EQ(o.partition, 2);
    EXPECT_EQ(o.file, "in.txt");
    EXPECT_EQ(o.acks, "1");
    EXPECT_EQ(o.compression, "zstd");
    EXPECT_FALSE(o.key_separator);
}

TEST(arguments, produce_defaults_leave_everything_to_librdkafka) {
    auto o = parsed_as<produce_options>({"produce", "t", "--key-separator", "::"});
    EXPECT_EQ(o.key_separator, "::");
    EXPECT_FALSE(o.key);
    EXPECT_FALSE(o.partition);
    EXPECT_FALSE(o.acks);
    EXPECT_FALSE(o.compression);
    EXPECT_FALSE(o.file);
}

TEST(arguments, consume_starts_at_the_end_by_default) {
    auto o = parsed_as<consume_options>({"consume", "t"});
    EXPECT_EQ(o.topic, "t");
    EXPECT_TRUE(std::holds_alternative<start_at_end>(o.start));
    EXPECT_FALSE(o.group);
    EXPECT_FALSE(o.count);
    EXPECT_FALSE(o.exit_at_end || o.print_key || o.print_headers || o.print_offset);
}

TEST(arguments, consume_start_positions) {
    auto beginning = parsed_as<consume_options>({"consume", "t", "--from-beginning"});
    EXPECT_TRUE(std::holds_alternative<start_at_beginning>(beginning.start));
    auto at = parsed_as<consume_options>({"consume", "t", "-o", "42"});
    ASSERT_TRUE(std::holds_alternative<start_at_offset>(at.start));
    EXPECT_EQ(std::get<start_at_offset>(at.start).offset, 42);
    auto tail = parsed_as<consume_options>({"consume", "t", "--offset", "-5"});
    ASSERT_TRUE(std::holds_alternative<start_at_offset>(tail.start));
    EXPECT_EQ(std::get<start_at_offset>(tail.start).offset, -5);
    auto ts = parsed_as<consume_options>({"consume", "t", "--from-timestamp", "1700000000000"});
    ASSERT_TRUE(std::holds_alternative<start_at_timestamp>(ts.start));
    EXPECT_EQ(std::get<start_at_timestamp>(ts.start).timestamp_ms, 1700000000000);
}

TEST(arguments, consume_flags) {
    auto o = parsed_as<consume_options>({"consume", "t", "-p", "1", "-c", "10", "-e", "--print-key", "--print-headers",
                                         "--print-offset"});
    EXPECT_EQ(o.partition, 1);
    EXPECT_EQ(o.count, 10);
    EXPECT_TRUE(o.exit_at_end && o.print_key && o.print_headers && o.print_offset);
    EXPECT_EQ(parsed_as<consume_options>({"consume", "t", "-g", "G", "--from-beginning"}).group, "G");
}

TEST(arguments, usage_errors) {
    expect_usage_error({}, "subcommand");
    expect_usage_error({"topic"}, "subcommand");
    expect_usage_error({"topic", "create"}, "name");
    expect_usage_error({"topic", "create", "t", "-p", "0"}, "partitions");
    expect_usage_error({"topic", "create", "t", "-c", "novalue"}, "key=value");
    expect_usage_error({"topic", "list", "--format", "xml"}, "xml");
    expect_usage_error({"topic", "list", "-X", "=1"}, "key=value");
    expect_usage_error({"topic", "alter-config", "t"}, "nothing to do");
    expect_usage_error({"topic", "alter-config", "t", "--set", "a=1", "--delete", "a"}, "both set and deleted");
    expect_usage_error({"produce", "t", "--acks", "2"}, "acks");
    expect_usage_error({"produce", "t", "--compression", "brotli"}, "compression");
    expect_usage_error({"produce", "t", "-k", "K", "--key-separator", ":"}, "excludes");
    expect_usage_error({"produce", "t", "--key-separator", ""}, "empty");
    expect_usage_error({"consume", "t", "--from-beginning", "-o", "3"}, "excludes");
    expect_usage_error({"consume", "t", "-o", "3", "--from-timestamp", "5"}, "excludes");
    expect_usage_error({"consume", "t", "-g", "G", "-p", "0"}, "excludes");
    expect_usage_error({"consume", "t", "-g", "G", "-o", "0"}, "excludes");
    expect_usage_error({"consume", "t", "-c", "0"}, "count");
    expect_usage_error({"consume", "t", "extra"}, "extra");
}

TEST(arguments, help_is_not_an_error) {
    auto outcome = parse({"consume", "--help"});
    EXPECT_FALSE(outcome.parsed);
    EXPECT_EQ(outcome.exit_code, 0);
    EXPECT_NE(outcome.message.find("--from-beginning"), std::string::npos) << outcome.message;
    auto top = parse({"--help"});
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.message.find("produce"), std::string::npos) << top.message;
}

} // namespace
} // namespace sluice::cli
