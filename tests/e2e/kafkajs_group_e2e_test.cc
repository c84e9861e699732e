// kafkajs in a consumer group (Kafka's classic group protocol): its producer sends messages
// (kafkajs/produce.js), a kafkajs group consumer (kafkajs/consume_group.js) reads every one of
// them exactly once, committing after each batch, and the group's committed offsets (admin
// fetchOffsets: OffsetFetch) are the partitions' ends. Skipped while the broker does not
// advertise FindCoordinator and JoinGroup.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e/advertised_apis.h"
#include "e2e/e2e_support.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using golden::find_program;
using golden::run_process;

constexpr int message_count = 300;

using kafkajs_group_e2e = broker_test;

TEST_F(kafkajs_group_e2e, a_kafkajs_group_consumer_reads_every_message_once_and_commits) {
    const std::string node = find_program("node");
    if (node.empty()) GTEST_SKIP() << "needs node";
    const std::string dir = SLUICE_KAFKAJS_DIR;
    ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/kafkajs/package.json"))
        << "kafkajs is not installed: npm ci --prefix tests/e2e/kafkajs (ctest runs it as the e2e_kafkajs_npm_ci "
           "fixture)";
    start({"--set", "group.initial.rebalance.delay.ms=0", "--set", "offsets.topic.num.partitions=4"});
    const auto apis = advertised_apis(broker->port());
    if (auto absent = missing_apis(apis, {find_coordinator_api, join_group_api}); !absent.empty())
        GTEST_SKIP() << "the broker does not advertise " << absent << " (no consumer groups yet)";

    auto produced = run_process({node, dir + "/produce.js", broker->bootstrap(), "kjs-group", std::to_string(message_count)},
                                "", 120s);
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    // "ack <partition> <offset> <i>" per message: what the consumer must print as "msg ...".
    std::vector<std::string> want;
    for (const auto& ack : lines_starting(produced.out, "ack ")) want.push_back("msg " + ack.substr(4));
    std::sort(want.begin(), want.end());
    ASSERT_EQ(want.size(), static_cast<size_t>(message_count)) << produced.out;

    auto consumed = run_process({node, dir + "/consume_group.js", broker->bootstrap(), "kjs-group", "kjs-readers",
                                 std::to_string(message_count)},
                                "", 150s);
    ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
    auto got = lines_starting(consumed.out, "msg ");
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want); // every message, none twice
    EXPECT_EQ(lines_starting(consumed.out, "committed "),
              (std::vector<std::string>{"committed 0 100", "committed 1 100", "committed 2 100"}));
}

} // namespace
} // namespace sluice::e2e
