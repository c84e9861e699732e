// Bulk round trips with real clients: confluent-kafka (librdkafka) and kafka-python each produce
// 100,000 messages with keys and headers to a 3-partition topic, once per codec, and read them
// back with both clients. The messages are e2e_messages.py's: every key, value and header is
// checked by the consumers; the C++ side checks that what the producer was told (partition and
// offset of each acknowledgement) is what both consumers read, in the same order, and that the
// broker stored the batches with the producer's codec.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "protocol/generated/api_018_api_versions.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;

constexpr int message_count = 100'000;
constexpr int partition_count = 3;

int codec_id(const std::string& codec) {
    const std::vector<std::string> ids = {"none", "gzip", "snappy", "lz4", "zstd"};
    return static_cast<int>(std::find(ids.begin(), ids.end(), codec) - ids.begin());
}

// Message seq goes to partition seq % 3.
int partition_size(int partition) {
    return message_count / partition_count + (partition < message_count % partition_count ? 1 : 0);
}

// The start of the summary line both sides print: "partition P count N offsets 0..N-1 sha256 H".
std::string summary_start(int partition) {
    const int n = partition_size(partition);
    return "partition " + std::to_string(partition) + " count " + std::to_string(n) + " offsets 0.." +
           std::to_string(n - 1) + " sha256 ";
}

// Whether the broker's ApiVersions covers `version` of `api_key`.
bool advertises(uint16_t port, int16_t api_key, int16_t version) {
    net::testing::test_client client(port);
    protocol::msg::api_versions_request req;
    req.client_software_name = "sluice-e2e";
    req.client_software_version = "1.0";
    auto resp = round_trip<protocol::msg::api_versions_response>(client, req, 3);
    if (!resp || resp->error_code != protocol::error_code::none) {
        ADD_FAILURE() << "ApiVersions failed";
        return false;
    }
    for (const auto& api : resp->api_keys)
        if (api.api_key == api_key) return api.min_version <= version && version <= api.max_version;
    return false;
}

// The codec the client's batches should carry. librdkafka enables LZ4 only for brokers that
// advertise FindCoordinator v0 (its proxy for "Kafka >= 0.8.2", rdkafka_feature.c) and
// otherwise sends those batches uncompressed; Sluice advertises FindCoordinator once consumer
// groups exist.
std::string stored_codec(const std::string& client, const std::string& codec, uint16_t port) {
    constexpr int16_t find_coordinator = 10;
    if (client == "confluent" && codec == "lz4" && !advertises(port, find_coordinator, 0)) return "none";
    return codec;
}

using client_and_codec = std::tuple<std::string, std::string>;

class bulk_clients_e2e : public broker_test, public ::testing::WithParamInterface<client_and_codec> {};

TEST_P(bulk_clients_e2e, every_message_comes_back_exactly_where_it_was_acknowledged) {
    const auto& [client, codec] = GetParam();
    if (!python_has("confluent_kafka") || !python_has("kafka"))
        GTEST_SKIP() << "needs python3-confluent-kafka and python3-kafka";
    const bool confluent = client == "confluent";
    const std::string topic = "bulk-" + client + "-" + codec;
    // confluent-kafka creates the topic with CreateTopics; kafka-python's producer has it
    // auto-created by its Metadata request, with num.partitions.
    start({"--set", "num.partitions=" + std::to_string(partition_count)});
    if (confluent) {
        auto created = run_script("confluent_create_topic.py", {broker->bootstrap(), topic, "3"}, 60s);
        ASSERT_TRUE(created.ok()) << created.describe() << broker->log();
    }

    const auto started = std::chrono::steady_clock::now();
    auto produced = run_script(confluent ? "confluent_produce.py" : "kafka_python_produce.py",
                               {broker->bootstrap(), topic, "--count", std::to_string(message_count), "--codec", codec});
    ASSERT_TRUE(produced.ok()) << produced.describe() << broker->log();
    const auto produce_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(lines_starting(produced.out, "acked 100000 errors 0").size(), 1u) << produced.out;
    const auto acknowledged = lines_starting(produced.out, "partition ");
    ASSERT_EQ(acknowledged.size(), static_cast<size_t>(partition_count)) << produced.out;
    for (int p = 0; p < partition_count; ++p)
        EXPECT_EQ(acknowledged[p].rfind(summary_start(p), 0), 0u) << acknowledged[p] << " vs " << summary_start(p);

    // Read back by both clients: the same partitions, offsets and sequence numbers as the
    // acknowledgements, and every message checked byte for byte by the script.
    for (const std::string consumer : {"confluent_consume.py", "kafka_python_consume.py"}) {
        std::vector<std::string> args = {broker->bootstrap(), topic};
        if (!confluent) args.push_back("--no-null-headers");
        const auto read_started = std::chrono::steady_clock::now();
        auto consumed = run_script(consumer, args);
        ASSERT_TRUE(consumed.ok()) << consumer << ": " << consumed.describe() << broker->log();
        EXPECT_EQ(lines_starting(consumed.out, "partition "), acknowledged) << consumer << ":\n" << consumed.out;
        EXPECT_EQ(lines_starting(consumed.out, "consumed "),
                  std::vector<std::string>{"consumed 100000 bad 0 order_violations 0 gaps 0"})
            << consumer << ":\n" << consumed.out;
        std::vector<std::string> watermarks;
        for (int p = 0; p < partition_count; ++p)
            watermarks.push_back("watermarks " + std::to_string(p) + " 0 " + std::to_string(partition_size(p)));
        EXPECT_EQ(lines_starting(consumed.out, "watermarks "), watermarks) << consumer << ":\n" << consumed.out;
        RecordProperty(consumer + "_seconds",
                       std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - read_started).count()));
    }
    RecordProperty("produce_seconds", std::to_string(produce_s));

    // The broker kept the producer's codec (compression.type=producer). librdkafka sends a
    // batch uncompressed when compressing does not make it smaller (a batch of one small
    // message), so "most records" rather than all.
    const std::string stored = stored_codec(client, codec, broker->port());
    RecordProperty("stored_codec", stored);
    for (int p = 0; p < partition_count; ++p) {
        const auto records = records_by_codec(broker->data_dir(), topic, p);
        int64_t total = 0;
        for (const auto& [id, n] : records) total += n;
        EXPECT_EQ(total, partition_size(p)) << "partition " << p;
        const auto it = records.find(codec_id(stored));
        EXPECT_GE(it == records.end() ? 0 : it->second, partition_size(p) * 9 / 10)
            << "partition " << p << ": records by codec " << ::testing::PrintToString(records);
    }
}

INSTANTIATE_TEST_SUITE_P(clients, bulk_clients_e2e,
                         ::testing::Combine(::testing::Values("confluent", "kafka_python"),
                                            ::testing::Values("none", "gzip", "snappy", "lz4", "zstd")),
                         [](const auto& info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

} // namespace
} // namespace sluice::e2e
