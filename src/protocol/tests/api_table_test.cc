#include "protocol/api_table.h"

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/generated/all_messages.h"

namespace sluice::protocol {
namespace {

TEST(api_table, sorted_unique_and_advertised_within_definitions) {
    auto apis = all_apis();
    ASSERT_FALSE(apis.empty());
    for (size_t i = 1; i < apis.size(); ++i) EXPECT_LT(apis[i - 1].key, apis[i].key);
    for (const auto& a : apis) {
        EXPECT_LE(a.schema_min_version, a.min_version) << a.name;
        EXPECT_GE(a.schema_max_version, a.max_version) << a.name;
        EXPECT_LE(a.min_version, a.max_version) << a.name;
    }
}

TEST(api_table, known_facts) {
    const api_info* produce = find_api(0);
    ASSERT_NE(produce, nullptr);
    EXPECT_EQ(std::string_view(produce->name), "produce");
    EXPECT_EQ(produce->min_version, 0); // KAFKA-18659
    EXPECT_EQ(produce->first_flexible_request, 9);
    EXPECT_TRUE(produce->supports(9));
    EXPECT_FALSE(produce->supports(13));
    EXPECT_EQ(find_api(4), nullptr); // LeaderAndIsr is gone in Kafka 4.0 (KRaft only)
    EXPECT_EQ(find_api(9999), nullptr);
}

TEST(api_table, header_versions) {
    const api_info* produce = find_api(0);
    ASSERT_NE(produce, nullptr);
    EXPECT_EQ(request_header_version(*produce, 8), 1);
    EXPECT_EQ(request_header_version(*produce, 9), 2);
    EXPECT_EQ(response_header_version(*produce, 8), 0);
    EXPECT_EQ(response_header_version(*produce, 9), 1);
}

TEST(api_table, request_header_client_id_stays_classic_in_v2) {
    msg::request_header h;
    h.request_api_key = 18;
    h.request_api_version = 3;
    h.correlation_id = 7;
    h.client_id = "rdkafka";
    auto b = h.encode(2);
    // key, version, correlation id, int16-length client id, then the empty tag section.
    bytes_value expected{0, 18, 0, 3, 0, 0, 0, 7, 0, 7, 'r', 'd', 'k', 'a', 'f', 'k', 'a', 0};
    EXPECT_EQ(b, expected);
}

} // namespace
} // namespace sluice::protocol
