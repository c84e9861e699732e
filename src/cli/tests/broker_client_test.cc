// broker_client: version negotiation (ApiVersions, KIP-511), broker addresses, bootstrap.
#include "cli/broker_client.h"

#include <gtest/gtest.h>

#include "cli/tests/fake_broker.h"
#include "protocol/generated/api_003_metadata.h"
#include "protocol/generated/api_018_api_versions.h"

namespace sluice::cli {
namespace {

namespace msg = protocol::msg;
using namespace std::chrono_literals;

byte_buffer api_versions_payload(const msg::api_versions_response& response, int16_t version, int32_t id) {
    msg::response_header header;
    header.correlation_id = id;
    byte_buffer out = header.encode(0);
    const byte_buffer body = response.encode(version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

msg::api_versions_response versions_response(std::vector<std::array<int16_t, 3>> apis) {
    msg::api_versions_response response;
    for (const auto& [key, min, max] : apis) {
        auto& a = response.api_keys.emplace_back();
        a.api_key = key;
        a.min_version = min;
        a.max_version = max;
    }
    return response;
}

TEST(broker_client, chooses_the_highest_version_both_sides_serve) {
    const api_version_ranges broker = {{66, {0, 1}}, {10, {0, 6}}, {65, {0, 0}}, {3, {0, 40}}};
    EXPECT_EQ(choose_version(broker, 66, 0, 100), 1);
    EXPECT_EQ(choose_version(broker, 66, 0, 0), 0);
    EXPECT_EQ(choose_version(broker, 65, 1, 100), std::nullopt); // the broker has only v0
    EXPECT_EQ(choose_version(broker, 10, 1, 100), 6);
    EXPECT_EQ(choose_version(broker, 3, 1, 100), protocol::find_api(3)->schema_max_version); // ours is lower
    EXPECT_EQ(choose_version(broker, 18, 0, 100), std::nullopt);                           // not advertised
    EXPECT_EQ(choose_version(broker, 9999, 0, 100), std::nullopt);                         // unknown to us
}

TEST(broker_client, api_versions_answers) {
    auto ok = decode_api_versions(api_versions_payload(versions_response({{66, 0, 1}, {18, 0, 4}}), 3, 5), 3, 5);
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_FALSE(ok->retry_version);
    ASSERT_EQ(ok->ranges.size(), 2u);
    EXPECT_EQ(ok->ranges.at(66).max, 1);

    // An older broker: UNSUPPORTED_VERSION in the v0 form, with its own ApiVersions range.
    auto old = versions_response({{18, 0, 2}});
    old.error_code = protocol::error_code::unsupported_version;
    auto retry = decode_api_versions(api_versions_payload(old, 0, 6), 3, 6);
    ASSERT_TRUE(retry) << retry.error();
    EXPECT_EQ(retry->retry_version, std::optional<int16_t>(2));

    auto refused = versions_response({});
    refused.error_code = protocol::error_code::unsupported_version;
    auto nothing = decode_api_versions(api_versions_payload(refused, 0, 7), 3, 7);
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error(), "ApiVersions: UNSUPPORTED_VERSION without a version to use instead");

    auto stray = decode_api_versions(api_versions_payload(versions_response({}), 3, 8), 3, 9);
    ASSERT_FALSE(stray);
    EXPECT_EQ(stray.error(), "ApiVersions: answer carries correlation id 8, expected 9");
}

TEST(broker_client, broker_addresses) {
    auto plain = parse_host_port("kafka-1.example:9093");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->host, "kafka-1.example");
    EXPECT_EQ(plain->port, 9093);
    auto ipv6 = parse_host_port("[::1]:19092");
    ASSERT_TRUE(ipv6);
    EXPECT_EQ(ipv6->host, "::1");
    EXPECT_EQ(ipv6->port, 19092);
    auto no_port = parse_host_port("localhost");
    ASSERT_TRUE(no_port);
    EXPECT_EQ(no_port->port, 9092); // as librdkafka
    for (const char* bad : {"", ":9092", "host:", "host:0", "host:65536", "host:9x", "::1:9092", "[::1", "[::1]x"}) {
        auto parsed = parse_host_port(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error(), "malformed broker address '" + std::string(bad) + "'");
    }
}

// A broker that serves ApiVersions (the ranges given) and Metadata (itself and broker 2).
testing::fake_broker::handler metadata_broker(uint16_t* own_port) {
    return [own_port](const protocol::request_frame& request) -> std::optional<byte_buffer> {
        if (request.api_key == 18) return testing::answer(request, versions_response({{18, 0, 4}, {3, 0, 12}}));
        if (request.api_key != 3) return std::nullopt;
        msg::metadata_request asked;
        if (!asked.decode(request.body, request.api_version) || !asked.topics || !asked.topics->empty())
            return std::nullopt; // must ask for no topics
        msg::metadata_response response;
        auto& other = response.brokers.emplace_back();
        other.node_id = model::node_id{2};
        other.host = "other";
        other.port = 9;
        auto& self = response.brokers.emplace_back();
        self.node_id = model::node_id{1};
        self.host = "127.0.0.1";
        self.port = *own_port;
        return testing::answer(request, response);
    };
}

TEST(broker_client, bootstrap_skips_brokers_that_do_not_answer_and_lists_the_cluster) {
    uint16_t port = 0;
    testing::fake_broker broker(metadata_broker(&port));
    port = broker.port();
    auto client = open_bootstrap("bad address:x," + broker.address(), protocol_clock::now() + 10s);
    ASSERT_TRUE(client) << client.error();
    EXPECT_EQ(client->peer(), broker.address());
    EXPECT_EQ(client->version_of(3), 12);
    auto brokers = cluster_brokers(*client, protocol_clock::now() + 10s);
    ASSERT_TRUE(brokers) << brokers.error();
    ASSERT_EQ(brokers->size(), 2u);
    EXPECT_EQ((*brokers)[0].id, model::node_id{1});
    EXPECT_EQ((*brokers)[0].port, port);
    EXPECT_EQ((*brokers)[1].host, "other");
}

TEST(broker_client, bootstrap_failure_says_why_for_each_broker) {
    testing::fake_broker silent([](const protocol::request_frame&) -> std::optional<byte_buffer> { return std::nullopt; });
    auto client = open_bootstrap("bad:x," + silent.address(), protocol_clock::now() + 10s);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error(), "no bootstrap broker answered: malformed broker address 'bad:x'; " + silent.address() +
                                  ": waiting for the ApiVersions response: connection closed by the broker");
    auto none = open_bootstrap(",", protocol_clock::now() + 10s);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), "no bootstrap broker given");
}

} // namespace
} // namespace sluice::cli
