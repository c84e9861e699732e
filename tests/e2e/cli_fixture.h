#pragma once
// cli_fixture: what the end-to-end tests of the `sluice` client (cli_e2e_test.cc,
// cli_group_e2e_test.cc) share: a broker per test, running the client against it, and skipping
// a test while the broker does not advertise the APIs it needs (ApiVersions decides). The tests
// were written against Kafka's behaviour, some before the broker served those APIs.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "e2e/broker_process.h"
#include "golden/client_process.h"

namespace sluice::e2e {

// An API the tests need: key (Kafka protocol) and name.
using api = std::pair<int16_t, const char*>;
inline constexpr api produce{0, "Produce"}, fetch{1, "Fetch"}, list_offsets{2, "ListOffsets"}, metadata{3, "Metadata"};
inline constexpr api offset_commit{8, "OffsetCommit"}, offset_fetch{9, "OffsetFetch"},
    find_coordinator{10, "FindCoordinator"};
inline constexpr api join_group{11, "JoinGroup"}, heartbeat{12, "Heartbeat"}, leave_group{13, "LeaveGroup"};
inline constexpr api sync_group{14, "SyncGroup"}, describe_groups{15, "DescribeGroups"}, list_groups{16, "ListGroups"};
inline constexpr api create_topics{19, "CreateTopics"}, delete_topics{20, "DeleteTopics"};
inline constexpr api describe_configs{32, "DescribeConfigs"}, alter_configs{33, "AlterConfigs"};
inline constexpr api delete_groups{42, "DeleteGroups"};

// The API keys the broker on `port` advertises (ApiVersions v3); empty when it does not answer.
std::set<int16_t> advertised_apis(uint16_t port);

class cli_e2e : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // The names of the APIs in `needed` the broker does not serve; empty when it serves all.
    std::string missing(const std::vector<api>& needed) const;

    golden::process_result sluice(std::vector<std::string> args, std::string_view input = "");
    // Runs `args` until it prints `expected` (metadata may trail a completed admin operation
    // briefly), then checks it exited 0 and printed exactly that.
    void expect_output(const std::vector<std::string>& args, const std::string& expected);
    void expect_success(const std::vector<std::string>& args, const std::string& expected_out,
                        std::string_view input = "");
    // Exit code 1, nothing on stdout, and stderr starting with `prefix` and holding `mentions`.
    void expect_failure(const std::vector<std::string>& args, const std::string& prefix, const std::string& mentions);

    std::unique_ptr<broker_process> broker;
    std::set<int16_t> apis;
};

#define SKIP_UNLESS_SERVED(...)                                                                    \
    do {                                                                                           \
        if (auto absent = missing({__VA_ARGS__}); !absent.empty())                                 \
            GTEST_SKIP() << "the broker does not serve " << absent << " yet";                      \
    } while (0)

} // namespace sluice::e2e
