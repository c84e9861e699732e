// Golden tests: real clients against the capture server. Each asserts what the client put on
// the wire, decoded with the generated code: header fields, the records exactly as sent, and
// that every request re-encodes to the same bytes. This file: the capture server's own
// ApiVersions fallback and kcat; confluent_kafka_test.cc and kafka_python_test.cc hold the
// python clients.
#include <gtest/gtest.h>

#include "golden/golden_support.h"
#include "protocol/generated/all_messages.h"

namespace sluice::golden {
namespace {

namespace msg = protocol::msg;
using protocol::compression_type;

// KIP-511: a client may ask ApiVersions at a version newer than the broker's. The broker
// answers in v0 (header v0 too) with UNSUPPORTED_VERSION and its table, and the client
// retries at a version from it. librdkafka 2.0 starts at v3, which the table holds, so this
// path is driven by hand.
TEST_F(golden_test, api_versions_newer_than_ours_is_answered_in_v0) {
    msg::request_header header;
    header.request_api_key = msg::api_versions_request::api_key;
    header.request_api_version = 9;
    header.correlation_id = 42;
    header.client_id = "golden";
    protocol::bytes_value frame = header.encode(2);
    msg::api_versions_request request;
    request.client_software_name = "golden";
    request.client_software_version = "1";
    const protocol::bytes_value body = request.encode(4);
    frame.insert(frame.end(), body.begin(), body.end());

    const protocol::bytes_value answer = exchange_frame(port(), frame, client_timeout);
    ASSERT_GE(answer.size(), 4u);
    protocol::reader r(answer);
    msg::response_header response_header;
    response_header.read(r, 0);
    EXPECT_EQ(response_header.correlation_id, 42);
    msg::api_versions_response response;
    ASSERT_TRUE(response.decode(byte_view(answer).subspan(answer.size() - r.remaining()), 0));
    EXPECT_EQ(response.error_code, protocol::error_code::unsupported_version);
    size_t advertised = 0;
    for (const protocol::api_info& api : protocol::all_apis()) advertised += api.advertised;
    EXPECT_EQ(response.api_keys.size(), advertised);
    bool lists_itself = false;
    for (const auto& k : response.api_keys)
        lists_itself = lists_itself || (k.api_key == 18 && k.min_version == 0 && k.max_version == 4);
    EXPECT_TRUE(lists_itself);

    const auto all = captured();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].api_version, 9);
    EXPECT_EQ(all[0].header_version, 2); // flexible: the header decodes, so the answer can be sent
    EXPECT_EQ(all[0].header.client_id, "golden");
}

class kcat_produce : public golden_test, public ::testing::WithParamInterface<codec_case> {};

TEST_P(kcat_produce, records_decode_to_exactly_the_lines_sent) {
    if (find_program("kcat").empty()) GTEST_SKIP() << "kcat is not installed";
    const codec_case codec = GetParam();
    const std::string topic = std::string("golden-") + codec.name;
    std::vector<message> sent;
    std::string input;
    for (int i = 0; i < 6; ++i) {
        sent.push_back({"key-" + std::to_string(i), padded_value(i), {{"source", "kcat"}, {"run", "golden"}}});
        input += *sent.back().key + ":" + *sent.back().value + "\n";
    }
    process_result r = run_kcat({"-P", "-t", topic, "-p", "0", "-z", codec.name, "-K:", "-H", "source=kcat",
                                 "-H", "run=golden", "-X", "message.timeout.ms=8000"}, input);
    ASSERT_TRUE(r.ok()) << r.describe();

    const auto all = captured();
    expect_api_versions_first(all, 3, "librdkafka");
    expect_metadata_names(all, topic);

    const auto batches = produced_to(all, topic);
    ASSERT_FALSE(batches.empty()); // how many depends on timing; each must hold the codec
    for (const produced_batch& b : batches) {
        EXPECT_EQ(b.partition, 0);
        EXPECT_EQ(b.acks, -1); // librdkafka's default acks=all
        expect_well_formed(b.batch, codec.type);
        EXPECT_EQ(b.batch.producer_id, -1); // not idempotent
    }
    EXPECT_EQ(messages_of(batches), sent);
    expect_all_reencode(all);
}

INSTANTIATE_TEST_SUITE_P(golden, kcat_produce, ::testing::ValuesIn(codecs), codec_name);

// CRC-32 (IEEE, zlib's): librdkafka's default partitioner, consistent_random, sends a keyed
// message to partition crc32(key) % partition count.
uint32_t crc32_ieee(std::string_view data) {
    uint32_t crc = 0xffffffff;
    for (unsigned char c : data) {
        crc ^= c;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320 & (0 - (crc & 1)));
    }
    return ~crc;
}

class golden_three_partitions : public golden_test {
protected:
    static constexpr int32_t partitions = 3;
    golden_three_partitions() : golden_test(partitions) {}
};

TEST_F(golden_three_partitions, kcat_partitions_keys_by_crc32_and_keeps_order_per_partition) {
    if (find_program("kcat").empty()) GTEST_SKIP() << "kcat is not installed";
    const std::string topic = "golden-partitioned";
    std::vector<message> per_partition_sent[partitions];
    std::string input;
    for (int i = 0; i < 12; ++i) {
        message m{"key-" + std::to_string(i), padded_value(i), {}};
        per_partition_sent[crc32_ieee(*m.key) % partitions].push_back(m);
        input += *m.key + ":" + *m.value + "\n";
    }
    for (const auto& sent : per_partition_sent) ASSERT_FALSE(sent.empty()) << "keys do not cover every partition";
    process_result r = run_kcat({"-P", "-t", topic, "-z", "lz4", "-K:", "-X", "message.timeout.ms=8000"}, input);
    ASSERT_TRUE(r.ok()) << r.describe();

    const auto all = captured();
    const auto batches = produced_to(all, topic);
    std::vector<produced_batch> per_partition[partitions];
    for (const produced_batch& b : batches) {
        ASSERT_GE(b.partition, 0);
        ASSERT_LT(b.partition, partitions);
        expect_well_formed(b.batch, compression_type::lz4);
        per_partition[b.partition].push_back(b);
    }
    for (int p = 0; p < partitions; ++p) EXPECT_EQ(messages_of(per_partition[p]), per_partition_sent[p]) << "partition " << p;
    expect_all_reencode(all);
}

} // namespace
} // namespace sluice::golden
