// Golden tests with kafka-python (pure python, api_version auto).
#include <gtest/gtest.h>

#include "golden/golden_support.h"
#include "protocol/generated/all_messages.h"

namespace sluice::golden {
namespace {

namespace msg = protocol::msg;
using protocol::compression_type;

std::string kafka_python_spec(const std::string& bootstrap, const std::string& topic, const char* codec,
                              const std::vector<message>& messages) {
    return "{\"bootstrap\":" + json_quote(bootstrap) + ",\"topic\":" + json_quote(topic) + ",\"compression\":" +
           (codec ? json_quote(std::string(codec)) : std::string("null")) + ",\"messages\":" + json_messages(messages) + "}";
}

class kafka_python_produce : public golden_test, public ::testing::WithParamInterface<codec_case> {};

// kafka-python compresses with optional python modules; a codec whose module is missing is
// skipped (on Debian: python3-snappy, python3-lz4, python3-zstandard).
const char* kafka_python_codec_module(compression_type type) {
    switch (type) {
    case compression_type::snappy: return "snappy";
    case compression_type::lz4: return "lz4.frame";
    case compression_type::zstd: return "zstandard";
    default: return nullptr; // none, and gzip from the standard library
    }
}

TEST_P(kafka_python_produce, records_decode_to_exactly_the_values_sent) {
    if (auto missing = python_module_missing("kafka"); !missing.empty()) GTEST_SKIP() << missing;
    const codec_case codec = GetParam();
    if (const char* module = kafka_python_codec_module(codec.type)) {
        if (auto missing = python_module_missing(module); !missing.empty())
            GTEST_SKIP() << "kafka-python cannot use " << codec.name << ": " << missing;
    }
    const std::string topic = std::string("golden-kafka-python-") + codec.name;
    std::vector<message> sent;
    for (int i = 0; i < 5; ++i) sent.push_back({"key-" + std::to_string(i), padded_value(i), {{"source", "kafka-python"}}});
    sent.push_back({std::nullopt, "no key: " + padded_value(5), {}});
    process_result r = run_script("kafka_python_produce.py",
                                  kafka_python_spec(bootstrap(), topic, codec.type == compression_type::none ? nullptr : codec.name, sent));
    ASSERT_TRUE(r.ok()) << r.describe();

    const auto all = captured();
    // api_version auto: kafka-python probes with ApiVersions v0 (no software name before v3)
    // and infers the broker version from the answer, then keeps it for later connections.
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].api_key, msg::api_versions_request::api_key);
    EXPECT_EQ(all[0].api_version, 0);
    EXPECT_TRUE(all[0].body.empty()); // ApiVersions v0 has no fields
    for (const captured_request& c : all) EXPECT_EQ(c.header.client_id, "kafka-python-producer-1");
    expect_metadata_names(all, topic);

    const auto batches = produced_to(all, topic);
    ASSERT_FALSE(batches.empty()); // how many depends on timing; each must hold the codec
    for (const produced_batch& b : batches) {
        EXPECT_EQ(b.partition, 0);
        EXPECT_EQ(b.acks, -1); // acks="all"
        expect_well_formed(b.batch, codec.type); // magic 2: the inferred broker version is >= 0.11
        EXPECT_EQ(b.batch.producer_id, -1);
    }
    EXPECT_EQ(messages_of(batches), sent);
    expect_all_reencode(all);
}

INSTANTIATE_TEST_SUITE_P(golden, kafka_python_produce, ::testing::ValuesIn(codecs), codec_name);

} // namespace
} // namespace sluice::golden
