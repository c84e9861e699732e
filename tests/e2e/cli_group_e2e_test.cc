// End-to-end: `sluice group list|describe|delete|reset-offsets` against the real broker, on
// groups made by real consumers (`sluice consume -g`), with exact offsets and lag. The mock
// cluster of librdkafka 2.0.2 serves neither ListGroups, DescribeGroups nor DeleteGroups, so
// these commands are only tested here (reset-offsets is also tested against the mock,
// src/cli/tests/cli_integration_test.cc).
//
// Each test is skipped while the broker does not advertise the group APIs (cli_fixture.h):
// they were written against Kafka's behaviour before the broker's group coordinator landed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <thread>

#include "e2e/background_process.h"
#include "e2e/cli_fixture.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;

#define SKIP_UNLESS_GROUPS_SERVED()                                                                                    \
    SKIP_UNLESS_SERVED(metadata, create_topics, produce, fetch, list_offsets, find_coordinator, join_group, sync_group, \
                       heartbeat, leave_group, offset_commit, offset_fetch, list_groups, describe_groups, delete_groups)

std::vector<std::string> sorted_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// `ms` since the epoch as "YYYY-MM-DDTHH:MM:SS.sssZ".
std::string iso8601_utc(int64_t ms) {
    const std::time_t seconds = ms / 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
    return text;
}

std::string describe_table(const std::string& state, int64_t current0, int64_t lag0, int64_t current1) {
    char rows[512];
    std::snprintf(rows, sizeof rows,
                  "workers  work   0          %-14lld  7               %-3lld  -            -     -\n"
                  "workers  work   1          %-14lld  3               %-3lld  -            -     -\n",
                  static_cast<long long>(current0), static_cast<long long>(lag0), static_cast<long long>(current1),
                  static_cast<long long>(3 - current1));
    std::string out = "Group: workers  State: " + state + "  Members: 0  Coordinator: 1  Assignor: -\n";
    out += "GROUP    TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n";
    // Single-digit offsets and lags: the columns are as wide as their headers.
    return out + rows;
}

const std::string dry_run_note = "(dry run: nothing committed; add --execute to commit)\n";

class cli_group_e2e : public cli_e2e {
protected:
    // Topic work: partition 0 holds a0..a6 (a5 and a6 written after `middle_ms`), partition 1
    // b0..b2. Group workers consumed everything before `middle_ms` and left: Empty, committed
    // 5 and 3.
    void make_inactive_group() {
        expect_success({"topic", "create", "work", "-p", "2"}, "created topic work\n");
        expect_success({"produce", "work", "-p", "0"}, "produced 5 records\n", "a0\na1\na2\na3\na4\n");
        expect_success({"produce", "work", "-p", "1"}, "produced 3 records\n", "b0\nb1\nb2\n");
        auto r = sluice({"consume", "work", "-g", "workers", "--from-beginning", "-e"});
        ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
        EXPECT_EQ(sorted_lines(r.out), (std::vector<std::string>{"a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"}));
        std::this_thread::sleep_for(50ms);
        middle_ms = now_ms();
        std::this_thread::sleep_for(50ms);
        expect_success({"produce", "work", "-p", "0"}, "produced 2 records\n", "a5\na6\n");
    }

    int64_t middle_ms = 0;
};

TEST_F(cli_group_e2e, list_and_describe_an_inactive_group) {
    SKIP_UNLESS_GROUPS_SERVED();
    make_inactive_group();
    expect_output({"group", "list"},
                  "GROUP    STATE  TYPE\n"
                  "workers  Empty  consumer\n");
    expect_output({"group", "list", "--state", "Stable"}, "GROUP  STATE  TYPE\n");
    expect_output({"group", "list", "--state", "stable,empty", "--format", "json"},
                  R"([{"group":"workers","state":"Empty","type":"consumer"}])"
                  "\n");
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 5, 2, 3));
    expect_output({"group", "describe", "workers", "--format", "json"},
                  R"([{"group":"workers","state":"Empty","type":"consumer","coordinator":{"id":1,"host":"127.0.0.1",)"
                  R"("port":)" + std::to_string(broker->port()) +
                      R"(},"assignor":"","members":[],"offsets":[)"
                      R"({"topic":"work","partition":0,"current_offset":5,"log_end_offset":7,"lag":2,"consumer_id":null},)"
                      R"({"topic":"work","partition":1,"current_offset":3,"log_end_offset":3,"lag":0,"consumer_id":null}]}])"
                      "\n");
    auto state = sluice({"group", "describe", "workers", "--state"});
    ASSERT_TRUE(state.ok()) << state.describe();
    const auto state_lines = sorted_lines(state.out);
    ASSERT_EQ(state_lines.size(), 2u) << state.out;
    EXPECT_EQ(words(state_lines[0]), (std::vector<std::string>{"GROUP", "COORDINATOR", "ASSIGNMENT-STRATEGY", "STATE",
                                                              "#MEMBERS"}));
    EXPECT_EQ(words(state_lines[1]), (std::vector<std::string>{"workers", "127.0.0.1:" + std::to_string(broker->port()),
                                                              "(1)", "-", "Empty", "0"}));
    auto unknown = sluice({"group", "describe", "nobody", "workers"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown.describe();
    EXPECT_EQ(unknown.err.rfind("sluice: group nobody", 0), 0u) << unknown.err;
    EXPECT_EQ(unknown.out, describe_table("Empty", 5, 2, 3));
}

TEST_F(cli_group_e2e, reset_offsets_plans_then_commits_exactly) {
    SKIP_UNLESS_GROUPS_SERVED();
    make_inactive_group();
    // A dry run commits nothing.
    expect_success({"group", "reset-offsets", "workers", "--topic", "work", "--to-earliest"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   0          0\n"
                   "workers  work   1          0\n" +
                       dry_run_note);
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 5, 2, 3));
    // --all-topics: the partitions the group has offsets for.
    expect_success({"group", "reset-offsets", "workers", "--all-topics", "--to-latest"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   0          7\n"
                   "workers  work   1          3\n" +
                       dry_run_note);
    expect_failure({"group", "reset-offsets", "fresh", "--all-topics", "--to-latest"},
                   "sluice: group fresh has no committed offsets", "");

    expect_success({"group", "reset-offsets", "workers", "--topic", "work:0", "--shift-by", "-2", "--execute"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   0          3\n");
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 3, 4, 3));

    // The first record at or after the time: a5 in partition 0; none in partition 1 (its end).
    expect_success({"group", "reset-offsets", "workers", "--topic", "work", "--to-datetime", iso8601_utc(middle_ms),
                    "--execute", "--format", "json"},
                   R"({"group":"workers","executed":true,"offsets":[{"topic":"work","partition":0,"offset":5},)"
                   R"({"topic":"work","partition":1,"offset":3}]})"
                   "\n");
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 5, 2, 3));

    // Clamped to the log end, and to the log start.
    expect_success({"group", "reset-offsets", "workers", "--topic", "work", "--to-offset", "100", "--execute"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   0          7\n"
                   "workers  work   1          3\n");
    expect_success({"group", "reset-offsets", "workers", "--topic", "work:1", "--shift-by", "-10", "--execute"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   1          0\n");
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 7, 0, 0));

    // The group's next consumer starts where the offsets were put.
    expect_success({"group", "reset-offsets", "workers", "--topic", "work:0", "--to-offset", "6", "--execute"},
                   "GROUP    TOPIC  PARTITION  NEW-OFFSET\n"
                   "workers  work   0          6\n");
    auto r = sluice({"consume", "work", "-g", "workers", "-e"});
    ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_EQ(sorted_lines(r.out), (std::vector<std::string>{"a6", "b0", "b1", "b2"}));
    expect_output({"group", "describe", "workers"}, describe_table("Empty", 7, 0, 3));

    expect_success({"group", "reset-offsets", "workers", "--topic", "work", "--to-latest", "--format", "json"},
                   R"({"group":"workers","executed":false,"offsets":[{"topic":"work","partition":0,"offset":7},)"
                   R"({"topic":"work","partition":1,"offset":3}]})"
                   "\n");
    expect_failure({"group", "reset-offsets", "workers", "--topic", "work:2", "--to-latest"},
                   "sluice: topic work has no partition 2", "");
    expect_failure({"group", "reset-offsets", "fresh", "--topic", "work", "--shift-by", "1"},
                   "sluice: group fresh topic work partition 0: ", "no committed offset");
}

TEST_F(cli_group_e2e, delete_removes_the_group) {
    SKIP_UNLESS_GROUPS_SERVED();
    make_inactive_group();
    expect_output({"group", "list", "--format", "json"}, R"([{"group":"workers","state":"Empty","type":"consumer"}])"
                                                         "\n");
    auto r = sluice({"group", "delete", "workers", "nobody"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_EQ(r.out, "deleted group workers\n");
    EXPECT_EQ(r.err.rfind("sluice: group nobody: GROUP_ID_NOT_FOUND: ", 0), 0u) << r.err;
    expect_output({"group", "list"}, "GROUP  STATE  TYPE\n");
    // Its offsets went with it.
    expect_failure({"group", "describe", "workers"}, "sluice: group workers", "");
    expect_failure({"group", "reset-offsets", "workers", "--topic", "work", "--shift-by", "0"},
                   "sluice: group workers topic work partition 0: ", "no committed offset");
}

TEST_F(cli_group_e2e, an_active_group_is_described_but_neither_reset_nor_deleted) {
    SKIP_UNLESS_GROUPS_SERVED();
    expect_success({"topic", "create", "live", "-p", "2"}, "created topic live\n");
    background_process member({SLUICE_BINARY, "consume", "live", "-g", "watchers", "-b", broker->bootstrap()});
    ASSERT_TRUE(member.started());
    golden::process_result state;
    for (auto deadline = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < deadline;) {
        state = sluice({"group", "describe", "watchers", "--state"});
        if (state.ok() && state.out.find(" Stable ") != std::string::npos) break;
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_TRUE(state.ok()) << state.describe() << member.err();
    const auto state_lines = sorted_lines(state.out);
    ASSERT_EQ(state_lines.size(), 2u) << state.out;
    // librdkafka's default assignors are range,roundrobin: the coordinator picks range.
    EXPECT_EQ(words(state_lines[1]), (std::vector<std::string>{"watchers", "127.0.0.1:" + std::to_string(broker->port()),
                                                              "(1)", "range", "Stable", "1"}));

    auto members = sluice({"group", "describe", "watchers", "--members"});
    ASSERT_TRUE(members.ok()) << members.describe();
    const auto member_lines = sorted_lines(members.out);
    ASSERT_EQ(member_lines.size(), 2u) << members.out;
    const auto row = words(member_lines[1]);
    ASSERT_EQ(row.size(), 5u) << members.out;
    EXPECT_EQ(row[0], "watchers");
    EXPECT_FALSE(row[1].empty());
    EXPECT_TRUE(row[2].ends_with("127.0.0.1")) << row[2]; // Kafka: "/127.0.0.1"
    EXPECT_EQ(row[3], "sluice-cli");
    EXPECT_EQ(row[4], "2");

    expect_output({"group", "list", "--state", "Stable"},
                  "GROUP     STATE   TYPE\n"
                  "watchers  Stable  consumer\n");
    // The partitions are assigned, nothing committed yet.
    auto offsets = sluice({"group", "describe", "watchers", "--format", "json"});
    ASSERT_TRUE(offsets.ok()) << offsets.describe();
    EXPECT_NE(offsets.out.find(R"({"topic":"live","partition":0,"current_offset":null,"log_end_offset":0,"lag":null,)"
                               R"("consumer_id":")" + row[1] + "\"}"),
              std::string::npos)
        << offsets.out;

    // Kafka accepts offsets from outside the group only while it has no members.
    expect_failure({"group", "reset-offsets", "watchers", "--topic", "live", "--to-earliest", "--execute"},
                   "sluice: commit offsets of group watchers: ", "UNKNOWN_MEMBER_ID");
    expect_failure({"group", "delete", "watchers"}, "sluice: group watchers: NON_EMPTY_GROUP", "");
}

} // namespace
} // namespace sluice::e2e
