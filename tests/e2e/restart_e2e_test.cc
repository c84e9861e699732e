// Durability across restarts with a real producer: what the broker acknowledged with acks=all
// is still there, at the acknowledged offset and in order, after a clean stop (SIGTERM) and
// after a crash (SIGKILL) in the middle of a producer's run.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/background_process.h"
#include "e2e/e2e_support.h"
#include "net/tests/test_client.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;

struct position {
    int partition;
    int64_t offset;
    auto operator<=>(const position&) const = default;
};

// "<prefix> <partition> <offset> <seq>" lines (the producer's "ack", the consumer's "msg"):
// seq by position.
std::map<position, int64_t> parse_positions(const std::string& text, const std::string& prefix) {
    std::map<position, int64_t> out;
    for (const auto& line : lines_starting(text, prefix + " ")) {
        std::istringstream in(line.substr(prefix.size() + 1));
        position at{};
        int64_t seq = -1;
        if (in >> at.partition >> at.offset >> seq) out[at] = seq;
    }
    return out;
}

size_t count_lines(const std::string& text, const std::string& prefix) { return lines_starting(text, prefix).size(); }

using restart_e2e = broker_test;

TEST_F(restart_e2e, acknowledged_messages_survive_sigterm_and_sigkill_restarts) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), "durable", "3"}, 60s);
    ASSERT_TRUE(created.ok()) << created.describe() << broker->log();

    // 1. 3,000 messages acknowledged, then a clean restart.
    auto first = run_script("confluent_produce.py",
                            {broker->bootstrap(), "durable", "--count", "3000", "--print-acks", "--max-in-flight", "1"});
    ASSERT_TRUE(first.ok()) << first.describe() << broker->log();
    restart(SIGTERM);
    EXPECT_NE(broker->run_log().find("(clean shutdown)"), std::string::npos) << broker->run_log();

    // 2. A producer that keeps sending 20,000 more at 2,000/s through a clean restart and then
    //    a crash. One request in flight: without idempotence, Kafka keeps a producer's order
    //    across retries only then.
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), "durable",
                                 "--first", "3000", "--count", "20000", "--rate", "2000", "--print-acks",
                                 "--max-in-flight", "1"});
    ASSERT_TRUE(producer.started());
    auto acks_reach = [&](size_t n) {
        return net::testing::eventually([&] { return count_lines(producer.out(), "ack ") >= n; }, 60s);
    };
    ASSERT_TRUE(acks_reach(2000)) << producer.out() << producer.err();
    restart(SIGTERM);
    const size_t acked_before_crash = count_lines(producer.out(), "ack ");
    ASSERT_TRUE(acks_reach(acked_before_crash + 3000)) << producer.err() << broker->log();
    restart(SIGKILL);
    EXPECT_NE(broker->run_log().find("recovered after an unclean shutdown"), std::string::npos) << broker->run_log();
    const auto exit_code = producer.wait(180s);
    ASSERT_TRUE(exit_code.has_value()) << "producer still running:\n" << producer.err();
    EXPECT_EQ(*exit_code, 0) << producer.out().substr(producer.out().rfind("ack ")) << producer.err();
    EXPECT_EQ(count_lines(producer.out(), "acked 20000 errors 0"), 1u) << producer.err();

    // 3. Every acknowledged message is where its acknowledgement said, with its content
    //    (checked by the consumer), and acknowledged messages are in order in each partition.
    //    Messages written but never acknowledged (the crash cut the answer) may be there too,
    //    followed by the producer's retry: at-least-once without idempotence.
    auto acks = parse_positions(first.out, "ack");
    const auto second = parse_positions(producer.out(), "ack");
    acks.insert(second.begin(), second.end());
    ASSERT_EQ(acks.size(), 23000u);
    auto consumed = run_script("confluent_consume.py", {broker->bootstrap(), "durable", "--list"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe() << broker->log();
    EXPECT_EQ(count_lines(consumed.out, "consumed "), 1u);
    EXPECT_NE(consumed.out.find(" bad 0 "), std::string::npos) << consumed.out.substr(consumed.out.find("consumed "));
    EXPECT_NE(consumed.out.find(" gaps 0"), std::string::npos) << consumed.out.substr(consumed.out.find("consumed "));
    const auto log = parse_positions(consumed.out, "msg");
    int missing = 0;
    for (const auto& [at, seq] : acks) {
        auto it = log.find(at);
        if (it == log.end() || it->second != seq) {
            if (++missing <= 10)
                ADD_FAILURE() << "seq " << seq << " acknowledged at " << at.partition << "/" << at.offset << ", found "
                              << (it == log.end() ? std::string("nothing") : "seq " + std::to_string(it->second));
        }
    }
    EXPECT_EQ(missing, 0);
    std::map<int, int64_t> last_seq;
    for (const auto& [at, seq] : acks) { // by partition, then offset
        auto [it, fresh] = last_seq.try_emplace(at.partition, seq);
        if (!fresh) {
            EXPECT_GT(seq, it->second) << "acknowledged out of order at " << at.partition << "/" << at.offset;
            it->second = seq;
        }
    }
    RecordProperty("messages_in_log", static_cast<int>(log.size()));
}

} // namespace
} // namespace sluice::e2e
