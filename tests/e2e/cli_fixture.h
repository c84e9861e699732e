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

#include "e2e/advertised_apis.h"
#include "e2e/broker_process.h"
#include "golden/client_process.h"

namespace sluice::e2e {

// The APIs the tests need (e2e/advertised_apis.h).
inline constexpr api produce = produce_api, fetch = fetch_api, list_offsets = list_offsets_api, metadata = metadata_api;
inline constexpr api offset_commit = offset_commit_api, offset_fetch = offset_fetch_api,
                     find_coordinator = find_coordinator_api;
inline constexpr api join_group = join_group_api, heartbeat = heartbeat_api, leave_group = leave_group_api;
inline constexpr api sync_group = sync_group_api, describe_groups = describe_groups_api, list_groups = list_groups_api;
inline constexpr api create_topics = create_topics_api, delete_topics = delete_topics_api;
inline constexpr api describe_configs = describe_configs_api, alter_configs = alter_configs_api;
inline constexpr api delete_groups = delete_groups_api;

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
