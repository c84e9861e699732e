// kafkajs (npm, pinned in tests/e2e/kafkajs/package-lock.json) against the broker: its admin
// client creates a topic, its producer sends keyed messages with headers, half the sends gzip,
// with acks=-1; what it was acknowledged and what fetchTopicOffsets reports are checked, and
// the messages are read back with kcat (a kafkajs consumer needs consumer groups).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using golden::find_program;
using golden::run_process;

constexpr int message_count = 300;

using kafkajs_e2e = broker_test;

TEST_F(kafkajs_e2e, produces_with_kafkajs_and_reads_back_with_kcat) {
    const std::string node = find_program("node");
    const std::string kcat = find_program("kcat");
    if (node.empty() || kcat.empty()) GTEST_SKIP() << "needs node and kcat";
    const std::string dir = SLUICE_KAFKAJS_DIR;
    ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/kafkajs/package.json"))
        << "kafkajs is not installed: npm ci --prefix tests/e2e/kafkajs (ctest runs it as the e2e_kafkajs_npm_ci "
           "fixture)";
    start();

    auto produced = run_process({node, dir + "/produce.js", broker->bootstrap(), "kjs", std::to_string(message_count)},
                                "", 120s);
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();

    // Message i went to partition i % 3, where it is the (i / 3)th message.
    std::vector<std::string> acks;
    std::vector<std::string> consumed(3);
    std::vector<std::map<int, int64_t>> codecs(3);
    for (int i = 0; i < message_count; ++i) {
        const int p = i % 3;
        acks.push_back("ack " + std::to_string(p) + " " + std::to_string(i / 3) + " " + std::to_string(i));
        consumed[p] += std::to_string(p) + " " + std::to_string(i / 3) + " kjs-" + std::to_string(i % 20) +
                       " seq=" + std::to_string(i) + ",client=kafkajs kafkajs message " + std::to_string(i) + "\n";
        codecs[p][(i / 50) % 2]++; // sends of 50, every other one gzip (codec 1)
    }
    std::sort(acks.begin(), acks.end());
    auto got_acks = lines_starting(produced.out, "ack ");
    std::sort(got_acks.begin(), got_acks.end());
    EXPECT_EQ(got_acks, acks);
    EXPECT_EQ(lines_starting(produced.out, "offsets "),
              (std::vector<std::string>{"offsets 0 0 100", "offsets 1 0 100", "offsets 2 0 100"}));

    for (int p = 0; p < 3; ++p) {
        auto r = run_process({kcat, "-b", broker->bootstrap(), "-C", "-t", "kjs", "-p", std::to_string(p), "-o",
                              "beginning", "-e", "-f", "%p %o %k %h %s\n"},
                             "", 60s);
        ASSERT_TRUE(r.ok()) << r.describe();
        EXPECT_EQ(r.out, consumed[p]) << "partition " << p;
        EXPECT_EQ(records_by_codec(broker->data_dir(), "kjs", p), codecs[p]) << "partition " << p;
    }
}

} // namespace
} // namespace sluice::e2e
