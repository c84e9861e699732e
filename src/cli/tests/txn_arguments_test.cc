// `sluice txn ...` command lines (txn_arguments.cc, through parse_arguments).
#include "cli/txn_arguments.h"

#include <gtest/gtest.h>

#include "cli/arguments.h"

namespace sluice::cli {
namespace {

parse_outcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), {"sluice", "txn"});
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

TEST(txn_arguments, list_without_filters) {
    const auto o = parsed_as<txn_list_options>({"list"});
    EXPECT_TRUE(o.states.empty());
    EXPECT_TRUE(o.producer_ids.empty());
    EXPECT_FALSE(o.duration_ms);
}

TEST(txn_arguments, list_filters) {
    const auto o = parsed_as<txn_list_options>(
        {"list", "--state", "ongoing,PREPARECOMMIT", "--state", "Ongoing", "--producer-id", "7,9", "--producer-id", "7",
         "--duration-ms", "60000"});
    // Kafka's spelling whatever the case given; duplicates collapse.
    EXPECT_EQ(o.states, (std::vector<std::string>{"Ongoing", "PrepareCommit"}));
    EXPECT_EQ(o.producer_ids, (std::vector<model::producer_id>{model::producer_id{7}, model::producer_id{9}}));
    EXPECT_EQ(o.duration_ms, std::optional<int64_t>(60000));
}

TEST(txn_arguments, list_rejects_unknown_states_and_negative_numbers) {
    expect_usage_error({"list", "--state", "Running"},
                       "--state: unknown transaction state 'Running' (Empty, Ongoing, PrepareCommit, PrepareAbort, "
                       "CompleteCommit, CompleteAbort, PrepareEpochFence, Dead)");
    expect_usage_error({"list", "--producer-id", "-1"}, "--producer-id");
    expect_usage_error({"list", "--duration-ms", "-5"}, "--duration-ms");
    expect_usage_error({"list", "--duration-ms", "soon"}, "--duration-ms");
}

TEST(txn_arguments, describe_takes_one_transactional_id) {
    EXPECT_EQ(parsed_as<txn_describe_options>({"describe", "payments-1"}).transactional_id, "payments-1");
    expect_usage_error({"describe"}, "transactional-id");
    expect_usage_error({"describe", ""}, "must not be empty");
    expect_usage_error({"describe", "a", "b"}, "b");
    expect_usage_error({}, "A subcommand is required"); // `sluice txn` alone
}

TEST(txn_arguments, common_options_and_the_kafka_spelling_of_the_bootstrap_option) {
    auto outcome = parse({"list", "--bootstrap-server", "k1:9093", "--format", "json", "--timeout-ms", "500"});
    ASSERT_TRUE(outcome.parsed) << outcome.message;
    EXPECT_EQ(outcome.parsed->common.brokers, "k1:9093");
    EXPECT_EQ(outcome.parsed->common.format, output_format::json);
    EXPECT_EQ(outcome.parsed->common.timeout_ms, 500);
    // No librdkafka here: a -X property would silently not apply.
    expect_usage_error({"describe", "t", "-X", "security.protocol=SSL"}, "txn: -X does not apply");
}

TEST(txn_arguments, state_names) {
    EXPECT_EQ(*transaction_state_name("completeabort"), "CompleteAbort");
    EXPECT_EQ(*transaction_state_name("PrepareEpochFence"), "PrepareEpochFence");
    EXPECT_FALSE(transaction_state_name("Ongoin"));
}

} // namespace
} // namespace sluice::cli
