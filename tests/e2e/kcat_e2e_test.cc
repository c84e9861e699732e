// kcat (librdkafka's command-line client) against the broker: topics auto-created by
// Metadata with num.partitions=3, lines produced with keys (-K) to chosen partitions and by
// the key partitioner, with every codec and with acks=0, consumed back (-C -e) exactly, also
// by a consumer waiting in a long poll; kcat -L lists them.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "e2e/background_process.h"
#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using golden::find_program;
using golden::process_result;
using golden::run_process;

class kcat_e2e : public broker_test {
protected:
    void SetUp() override {
        kcat = find_program("kcat");
        if (kcat.empty()) GTEST_SKIP() << "kcat is not installed";
        start({"--set", "num.partitions=3"});
    }
    process_result run(std::vector<std::string> args, std::string_view input = "") {
        args.insert(args.begin(), {kcat, "-b", broker->bootstrap()});
        return run_process(args, input, 60s);
    }
    std::string kcat;
};

// "key-K:value N ..." lines; the value keeps the colons after the first.
std::string keyed_lines(int first, int count, int keys) {
    std::string text;
    for (int i = first; i < first + count; ++i)
        text += "key-" + std::to_string(i % keys) + ":value " + std::to_string(i) + " with spaces, ünïcödé and a : colon\n";
    return text;
}

// The same lines as kcat -f '%o %k=%s\n' prints them, offsets from `first_offset`.
std::string as_consumed(const std::string& produced, int64_t first_offset) {
    std::string text;
    int64_t offset = first_offset;
    for (const auto& line : lines_starting(produced, "")) {
        const size_t colon = line.find(':');
        text += std::to_string(offset++) + " " + line.substr(0, colon) + "=" + line.substr(colon + 1) + "\n";
    }
    return text;
}

TEST_F(kcat_e2e, lines_come_back_exactly_from_chosen_partitions_with_every_codec) {
    const std::string lines = keyed_lines(0, 500, 50);
    auto produced = run({"-P", "-t", "lines", "-K:", "-p", "0"}, lines);
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();

    auto consumed = run({"-C", "-t", "lines", "-p", "0", "-o", "beginning", "-e", "-f", "%o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    EXPECT_EQ(consumed.out, as_consumed(lines, 0));

    // From an offset, a count.
    consumed = run({"-C", "-t", "lines", "-p", "0", "-o", "100", "-c", "5", "-f", "%o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    EXPECT_EQ(consumed.out, as_consumed(keyed_lines(100, 5, 50), 100));

    // Each codec in turn to partition 1: one log, batches of four codecs; acks=1 and acks=all
    // (kcat's default) alternate.
    std::string all;
    int first = 1000;
    for (const std::string codec : {"gzip", "snappy", "lz4", "zstd"}) {
        const std::string batch = keyed_lines(first, 200, 7);
        first += 200;
        all += batch;
        const std::string acks = codec == "snappy" || codec == "zstd" ? "acks=1" : "acks=all";
        produced = run({"-P", "-t", "lines", "-K:", "-p", "1", "-z", codec, "-X", acks}, batch);
        ASSERT_TRUE(produced.ok()) << codec << ": " << produced.describe() << broker->log();
    }
    consumed = run({"-C", "-t", "lines", "-p", "1", "-o", "beginning", "-e", "-f", "%o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    EXPECT_EQ(consumed.out, as_consumed(all, 0));

    // acks=0 to partition 2: no answers, the lines are there all the same.
    const std::string unacknowledged = keyed_lines(2000, 300, 5);
    produced = run({"-P", "-t", "lines", "-K:", "-p", "2", "-X", "acks=0"}, unacknowledged);
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    ASSERT_TRUE(net::testing::eventually(
        [&] { return list_offset(broker->port(), "lines", 2, -1).offset == 300; }, 20s));
    consumed = run({"-C", "-t", "lines", "-p", "2", "-o", "beginning", "-e", "-f", "%o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    EXPECT_EQ(consumed.out, as_consumed(unacknowledged, 0));

    // A topic nobody wrote to: consuming it ends at once with nothing.
    consumed = run({"-C", "-t", "lines-empty", "-p", "0", "-o", "beginning", "-e", "-X", "allow.auto.create.topics=true",
                    "-f", "%o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();
    EXPECT_EQ(consumed.out, "");

    auto listed = run({"-L", "-t", "lines"});
    ASSERT_TRUE(listed.ok()) << listed.describe();
    EXPECT_NE(listed.out.find("1 topics:\n  topic \"lines\" with 3 partitions:\n"
                              "    partition 0, leader 1, replicas: 1, isrs: 1\n"
                              "    partition 1, leader 1, replicas: 1, isrs: 1\n"
                              "    partition 2, leader 1, replicas: 1, isrs: 1\n"),
              std::string::npos)
        << listed.out;
}

TEST_F(kcat_e2e, the_key_partitioner_keeps_each_key_in_one_partition_in_order) {
    const std::string lines = keyed_lines(0, 600, 12);
    auto produced = run({"-P", "-t", "keyed", "-K:"}, lines);
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    auto consumed = run({"-C", "-t", "keyed", "-o", "beginning", "-e", "-f", "%p %o %k=%s\n"});
    ASSERT_TRUE(consumed.ok()) << consumed.describe();

    std::map<std::string, int> partition_of_key;
    std::map<int, int64_t> next_offset;  // per partition: offsets 0, 1, 2, ...
    std::map<int, int> last_number;      // per partition: the line numbers rise
    std::set<int> seen;
    for (const auto& line : lines_starting(consumed.out, "")) {
        int partition = -1, number = -1;
        long long offset = -1;
        char key[32] = {};
        ASSERT_EQ(std::sscanf(line.c_str(), "%d %lld %31[^=]=value %d", &partition, &offset, key, &number), 4) << line;
        EXPECT_EQ(line.substr(line.find('=') + 1), "value " + std::to_string(number) + " with spaces, ünïcödé and a : colon");
        EXPECT_EQ(std::string(key), "key-" + std::to_string(number % 12)) << line;
        EXPECT_TRUE(seen.insert(number).second) << "twice: " << line;
        EXPECT_EQ(offset, next_offset[partition]++) << line;
        auto [it, fresh] = last_number.try_emplace(partition, number);
        if (!fresh) {
            EXPECT_GT(number, it->second) << line;
            it->second = number;
        }
        auto [k, new_key] = partition_of_key.try_emplace(key, partition);
        EXPECT_EQ(k->second, partition) << "key " << key << " in two partitions";
    }
    EXPECT_EQ(seen.size(), 600u);
    EXPECT_GE(next_offset.size(), 2u) << "12 keys all hashed to one partition?";
}

TEST_F(kcat_e2e, a_waiting_consumer_is_woken_by_new_messages) {
    // The topic exists with one line; the consumer reads it, then waits at the end in Fetch
    // long polls of up to 20 s (fetch.wait.max.ms): the lines produced next must wake it, not
    // the poll's timeout.
    auto produced = run({"-P", "-t", "live", "-K:", "-p", "0"}, "key-0:first\n");
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    background_process consumer({kcat, "-b", broker->bootstrap(), "-C", "-t", "live", "-p", "0", "-o", "beginning",
                                 "-c", "101", "-u", "-X", "fetch.wait.max.ms=20000", "-f", "%o %k=%s\n"});
    ASSERT_TRUE(net::testing::eventually([&] { return consumer.out() == "0 key-0=first\n"; }, 30s))
        << consumer.out() << consumer.err();

    const auto sent = std::chrono::steady_clock::now();
    const std::string lines = keyed_lines(1, 100, 10);
    produced = run({"-P", "-t", "live", "-K:", "-p", "0"}, lines);
    ASSERT_TRUE(produced.ok()) << produced.describe();
    const auto exit_code = consumer.wait(30s);
    const auto waited = std::chrono::steady_clock::now() - sent;
    ASSERT_EQ(exit_code, std::optional<int>(0)) << consumer.err();
    EXPECT_EQ(consumer.out(), "0 key-0=first\n" + as_consumed(lines, 1));
    EXPECT_LT(waited, 10s) << "the new lines did not end the consumer's long poll";
    RecordProperty("woken_after_ms",
                   static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()));
}

} // namespace
} // namespace sluice::e2e
