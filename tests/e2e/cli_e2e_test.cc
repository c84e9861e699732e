// End-to-end: the `sluice topic|produce|consume` client (src/cli) against the real broker,
// with exact output. The produce/consume paths are also covered against librdkafka's mock
// cluster (src/cli/tests/cli_integration_test.cc); the topic commands need a broker with
// CreateTopics, DeleteTopics, DescribeConfigs and AlterConfigs, which the mock lacks.
//
// Each test first asks the broker (ApiVersions) whether it serves the APIs the test needs and
// is skipped, saying which, when it does not (cli_fixture.h). The group commands are in
// cli_group_e2e_test.cc.
#include <gtest/gtest.h>

#include <thread>

#include "e2e/cli_fixture.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;

TEST_F(cli_e2e, create_list_describe_delete) {
    SKIP_UNLESS_SERVED(metadata, create_topics, describe_configs, delete_topics);
    expect_success({"topic", "create", "orders", "-p", "3", "-r", "1", "-c", "retention.ms=86400000"},
                   "created topic orders\n");
    expect_output({"topic", "list", "--format", "json"}, R"([{"name":"orders","partitions":3,"replication_factor":1}])"
                                                         "\n");
    expect_output({"topic", "list"},
                  "TOPIC   PARTITIONS  REPLICATION-FACTOR\n"
                  "orders  3           1\n");
    // Only the topic's override differs from the defaults (the broker runs with no log.*
    // settings of its own).
    expect_output({"topic", "describe", "orders", "--format", "json"},
                  R"([{"name":"orders","partitions":[)"
                  R"({"partition":0,"leader":1,"replicas":[1],"isr":[1]},)"
                  R"({"partition":1,"leader":1,"replicas":[1],"isr":[1]},)"
                  R"({"partition":2,"leader":1,"replicas":[1],"isr":[1]}],)"
                  R"("configs":{"retention.ms":"86400000"}}])"
                  "\n");
    expect_success({"topic", "delete", "orders"}, "deleted topic orders\n");
    expect_output({"topic", "list", "--format", "json"}, "[]\n");
}

TEST_F(cli_e2e, describe_as_a_table) {
    SKIP_UNLESS_SERVED(metadata, create_topics, describe_configs);
    expect_success({"topic", "create", "events", "-p", "2", "-c", "cleanup.policy=compact", "-c",
                    "min.compaction.lag.ms=5000"},
                   "created topic events\n");
    expect_output({"topic", "describe", "events"},
                  "Topic: events  PartitionCount: 2  ReplicationFactor: 1\n"
                  "Configs: cleanup.policy=compact,min.compaction.lag.ms=5000\n"
                  "PARTITION  LEADER  REPLICAS  ISR\n"
                  "0          1       1         1\n"
                  "1          1       1         1\n");
}

TEST_F(cli_e2e, create_without_counts_uses_the_broker_defaults) {
    SKIP_UNLESS_SERVED(metadata, create_topics, describe_configs);
    // KIP-464: -1 partitions and replication factor mean num.partitions (1) and
    // default.replication.factor (1).
    expect_success({"topic", "create", "plain", "--format", "json"}, R"({"created":["plain"]})"
                                                                     "\n");
    expect_output({"topic", "list", "--format", "json"}, R"([{"name":"plain","partitions":1,"replication_factor":1}])"
                                                         "\n");
    expect_output({"topic", "describe", "plain"},
                  "Topic: plain  PartitionCount: 1  ReplicationFactor: 1\n"
                  "Configs:\n"
                  "PARTITION  LEADER  REPLICAS  ISR\n"
                  "0          1       1         1\n");
}

TEST_F(cli_e2e, create_errors_come_from_the_broker) {
    SKIP_UNLESS_SERVED(metadata, create_topics);
    expect_success({"topic", "create", "taken"}, "created topic taken\n");
    expect_failure({"topic", "create", "taken"}, "sluice: topic taken: ", "already exists"); // TOPIC_ALREADY_EXISTS
    // INVALID_REPLICATION_FACTOR: one broker cannot hold three replicas.
    expect_failure({"topic", "create", "wide", "-r", "3"}, "sluice: topic wide: ", "eplication factor");
    // INVALID_CONFIG
    expect_failure({"topic", "create", "odd", "-c", "retention.ms=soon"}, "sluice: topic odd: ", "");
    // INVALID_TOPIC_EXCEPTION: '/' is not a legal topic character.
    expect_failure({"topic", "create", "bad/name"}, "sluice: topic bad/name: ", "");
    expect_output({"topic", "list", "--format", "json"}, R"([{"name":"taken","partitions":1,"replication_factor":1}])"
                                                         "\n");
}

TEST_F(cli_e2e, delete_reports_each_topic) {
    SKIP_UNLESS_SERVED(metadata, create_topics, delete_topics);
    expect_success({"topic", "create", "a"}, "created topic a\n");
    expect_success({"topic", "create", "b"}, "created topic b\n");
    auto r = sluice({"topic", "delete", "a", "missing", "b", "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_EQ(r.out, R"({"deleted":["a","b"]})"
                     "\n");
    EXPECT_EQ(r.err.rfind("sluice: topic missing: ", 0), 0u) << r.err; // UNKNOWN_TOPIC_OR_PARTITION
    expect_output({"topic", "list", "--format", "json"}, "[]\n");
}

TEST_F(cli_e2e, describe_reports_unknown_topics_and_describes_the_rest) {
    SKIP_UNLESS_SERVED(metadata, create_topics, describe_configs);
    expect_success({"topic", "create", "known"}, "created topic known\n");
    expect_output({"topic", "list", "--format", "json"}, R"([{"name":"known","partitions":1,"replication_factor":1}])"
                                                         "\n");
    auto r = sluice({"topic", "describe", "nosuch", "known", "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_EQ(r.err, "sluice: topic nosuch does not exist\n");
    EXPECT_EQ(r.out, R"([{"name":"known","partitions":[{"partition":0,"leader":1,"replicas":[1],"isr":[1]}],)"
                     R"("configs":{}}])"
                     "\n");
}

TEST_F(cli_e2e, alter_config_sets_and_deletes_overrides) {
    SKIP_UNLESS_SERVED(metadata, create_topics, describe_configs, alter_configs);
    expect_success({"topic", "create", "t", "-c", "retention.ms=1000", "-c", "segment.ms=60000"}, "created topic t\n");
    expect_success({"topic", "alter-config", "t", "--set", "cleanup.policy=compact", "--delete", "retention.ms"},
                   "altered configs of topic t\n");
    // segment.ms is kept: AlterConfigs replaces the whole set, so the client sends it back.
    expect_output({"topic", "describe", "t", "--format", "json"},
                  R"([{"name":"t","partitions":[{"partition":0,"leader":1,"replicas":[1],"isr":[1]}],)"
                  R"("configs":{"cleanup.policy":"compact","segment.ms":"60000"}}])"
                  "\n");
    expect_success({"topic", "alter-config", "t", "--set", "segment.ms=120000", "--format", "json"},
                   R"({"altered":"t"})"
                   "\n");
    expect_output({"topic", "describe", "t", "--format", "json"},
                  R"([{"name":"t","partitions":[{"partition":0,"leader":1,"replicas":[1],"isr":[1]}],)"
                  R"("configs":{"cleanup.policy":"compact","segment.ms":"120000"}}])"
                  "\n");
    expect_failure({"topic", "alter-config", "t", "--set", "retention.ms=never"}, "sluice: alter configs of topic t: ",
                   "");
    expect_failure({"topic", "alter-config", "nosuch", "--set", "retention.ms=1"}, "sluice: configs of topic nosuch: ",
                   "");
}

TEST_F(cli_e2e, produce_and_consume_round_trip) {
    SKIP_UNLESS_SERVED(metadata, create_topics, produce, fetch, list_offsets);
    expect_success({"topic", "create", "log", "-p", "2"}, "created topic log\n");
    expect_success({"produce", "log", "-p", "1", "-k", "K", "-H", "h=v", "--compression", "lz4", "--format", "json"},
                   R"({"produced":3,"partitions":{"1":3}})"
                   "\n",
                   "one\ntwo\nthree\n");
    expect_output({"consume", "log", "--from-beginning", "-e", "--print-offset", "--print-key", "--print-headers"},
                  "Partition:1\tOffset:0\th=v\tK\tone\n"
                  "Partition:1\tOffset:1\th=v\tK\ttwo\n"
                  "Partition:1\tOffset:2\th=v\tK\tthree\n");
    expect_output({"consume", "log", "-p", "1", "-o", "2", "-e"}, "three\n");
    expect_output({"consume", "log", "-p", "1", "-o", "-2", "-c", "2"}, "two\nthree\n");
    expect_output({"consume", "log", "-p", "0", "--from-beginning", "-e"}, "");
    expect_failure({"consume", "log", "-p", "1", "-o", "10", "-e"}, "sluice: ", "out of range");
}

TEST_F(cli_e2e, consume_from_a_timestamp) {
    SKIP_UNLESS_SERVED(metadata, create_topics, produce, fetch, list_offsets);
    expect_success({"topic", "create", "timed"}, "created topic timed\n");
    expect_success({"produce", "timed"}, "produced 2 records\n", "early-1\nearly-2\n");
    std::this_thread::sleep_for(50ms);
    const auto middle = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::this_thread::sleep_for(50ms);
    expect_success({"produce", "timed"}, "produced 2 records\n", "late-1\nlate-2\n");
    expect_output({"consume", "timed", "--from-timestamp", std::to_string(middle), "-e", "--print-offset"},
                  "Partition:0\tOffset:2\tlate-1\nPartition:0\tOffset:3\tlate-2\n");
    // After every record: nothing, not an error.
    expect_output({"consume", "timed", "--from-timestamp", std::to_string(middle + 3'600'000), "-e"}, "");
}

TEST_F(cli_e2e, a_group_consumer_commits_what_it_printed) {
    SKIP_UNLESS_SERVED(metadata, create_topics, produce, fetch, list_offsets, find_coordinator, join_group,
                       sync_group, heartbeat, leave_group, offset_commit, offset_fetch);
    expect_success({"topic", "create", "work"}, "created topic work\n");
    expect_success({"produce", "work"}, "produced 5 records\n", "j0\nj1\nj2\nj3\nj4\n");
    expect_success({"consume", "work", "-g", "workers", "--from-beginning", "-c", "2"}, "j0\nj1\n");
    expect_success({"consume", "work", "-g", "workers", "-e"}, "j2\nj3\nj4\n");
    expect_success({"consume", "work", "-g", "workers", "-e", "--from-beginning"}, "");
}

} // namespace
} // namespace sluice::e2e
