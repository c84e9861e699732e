// The dispatcher and the handlers, driven with encoded request frames (no sockets).
#include "server/dispatcher.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "protocol/generated/all_messages.h"

namespace sluice::server {
namespace {

namespace msg = protocol::msg;
using protocol::error_code;

struct decoded {
    net::response::action what;
    int32_t correlation_id = 0;
    byte_view body;
    byte_buffer bytes;
};

class dispatcher_test : public ::testing::Test {
protected:
    dispatcher_test() {
        broker.node_id = model::node_id{7};
        broker.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
        broker.advertised_host = "broker.example";
        broker.advertised_port = 19092;
    }

    template <typename Request>
    byte_buffer frame(const Request& req, int16_t version, int32_t correlation_id = 42) {
        msg::request_header header;
        header.request_api_key = Request::api_key;
        header.request_api_version = version;
        header.correlation_id = correlation_id;
        header.client_id = "test";
        const protocol::api_info* api = protocol::find_api(Request::api_key);
        int16_t hv = version > api->schema_max_version ? 2 : protocol::request_header_version(*api, version);
        byte_buffer out = header.encode(hv);
        byte_buffer body = req.encode(version > Request::max_version ? Request::max_version : version);
        out.insert(out.end(), body.begin(), body.end());
        return out;
    }

    decoded dispatch(byte_buffer f, int16_t response_header_version) {
        asio::io_context io;
        auto fut = asio::co_spawn(io, d.handle(std::move(f), connection), asio::use_future);
        io.run();
        net::response r = fut.get();
        decoded out{r.what, 0, {}, std::move(r.bytes)};
        if (out.what != net::response::action::send) return out;
        protocol::reader reader(out.bytes);
        msg::response_header h;
        h.read(reader, response_header_version);
        EXPECT_FALSE(reader.failed());
        out.correlation_id = h.correlation_id;
        out.body = byte_view(reader.position(), reader.remaining());
        return out;
    }

    broker_identity broker;
    cluster::metadata_store metadata;
    broker_context ctx = [this] {
        broker_context c;
        c.identity = &broker;
        c.metadata = &metadata;
        return c;
    }();
    net::connection_info connection{1, 0, "127.0.0.1:5555", {}, {}};
    dispatcher d{ctx, handler_table::instance()};
};

TEST_F(dispatcher_test, api_versions_lists_the_served_apis_and_records_the_client) {
    msg::api_versions_request req;
    req.client_software_name = "librdkafka";
    req.client_software_version = "2.0.2";
    auto r = dispatch(frame(req, 3), 0); // ApiVersions responses always use header v0
    ASSERT_EQ(r.what, net::response::action::send);
    EXPECT_EQ(r.correlation_id, 42);
    msg::api_versions_response resp;
    ASSERT_TRUE(resp.decode(r.body, 3));
    EXPECT_EQ(resp.error_code, error_code::none);
    std::vector<std::tuple<int16_t, int16_t, int16_t>> keys;
    for (auto& k : resp.api_keys) keys.emplace_back(k.api_key, k.min_version, k.max_version);
    EXPECT_EQ(keys, (std::vector<std::tuple<int16_t, int16_t, int16_t>>{
                        {0, 0, 12}, {1, 4, 17}, {2, 1, 10}, {3, 0, 12}, {8, 2, 9},  {9, 1, 9},  {10, 0, 6},
                        {11, 0, 9}, {12, 0, 4}, {13, 0, 5}, {14, 0, 5}, {15, 0, 5}, {16, 0, 5}, {18, 0, 4},
                        {19, 2, 7}, {20, 1, 6}, {21, 0, 2}, {22, 0, 5}, {23, 2, 4}, {24, 0, 5}, {25, 0, 4},
                        {26, 0, 5}, {28, 0, 5}, {32, 1, 4}, {33, 0, 2}, {35, 1, 4}, {37, 0, 3}, {42, 0, 2},
                        {44, 0, 1}, {47, 0, 0}, {60, 0, 1}, {65, 0, 0}, {66, 0, 1}, {68, 0, 0}, {69, 0, 0},
                        {75, 0, 0}}));
    EXPECT_EQ(connection.client_software_name, "librdkafka");
    EXPECT_EQ(connection.client_software_version, "2.0.2");
}

TEST_F(dispatcher_test, api_versions_with_an_invalid_software_name_is_invalid_request) {
    msg::api_versions_request req;
    req.client_software_name = "-bad name";
    req.client_software_version = "1";
    auto r = dispatch(frame(req, 3), 0);
    msg::api_versions_response resp;
    ASSERT_TRUE(resp.decode(r.body, 3));
    EXPECT_EQ(resp.error_code, error_code::invalid_request);
    EXPECT_TRUE(connection.client_software_name.empty());
}

TEST_F(dispatcher_test, api_versions_from_the_future_gets_the_v0_layout) {
    msg::api_versions_request req;
    auto r = dispatch(frame(req, 99), 0);
    ASSERT_EQ(r.what, net::response::action::send);
    EXPECT_EQ(r.correlation_id, 42);
    msg::api_versions_response resp;
    ASSERT_TRUE(resp.decode(r.body, 0));
    EXPECT_EQ(resp.error_code, error_code::unsupported_version);
    bool lists_api_versions = false;
    for (auto& k : resp.api_keys) lists_api_versions |= k.api_key == 18 && k.max_version == 4;
    EXPECT_TRUE(lists_api_versions);
}

TEST_F(dispatcher_test, metadata_describes_the_cluster_of_one) {
    msg::metadata_request req;
    msg::metadata_request::metadata_request_topic t;
    t.name = "orders";
    req.topics->push_back(t);
    for (int16_t v : {0, 1, 4, 9, 12}) {
        auto r = dispatch(frame(req, v), v >= 9 ? 1 : 0);
        ASSERT_EQ(r.what, net::response::action::send) << v;
        msg::metadata_response resp;
        ASSERT_TRUE(resp.decode(r.body, v)) << v;
        ASSERT_EQ(resp.brokers.size(), 1u);
        EXPECT_EQ(resp.brokers[0].node_id, model::node_id{7});
        EXPECT_EQ(resp.brokers[0].host, "broker.example");
        EXPECT_EQ(resp.brokers[0].port, 19092);
        if (v >= 2) {
            EXPECT_EQ(resp.cluster_id, "MkU3OEVBNTcwNTJENDM2Qk");
        }
        if (v >= 1) {
            EXPECT_EQ(resp.controller_id, model::node_id{7});
        }
        ASSERT_EQ(resp.topics.size(), 1u);
        EXPECT_EQ(resp.topics[0].name, "orders");
        EXPECT_EQ(resp.topics[0].error_code, error_code::unknown_topic_or_partition);
    }
}

TEST_F(dispatcher_test, metadata_for_all_topics_is_empty) {
    msg::metadata_request req;
    req.topics.reset();
    auto r = dispatch(frame(req, 12), 1);
    msg::metadata_response resp;
    ASSERT_TRUE(resp.decode(r.body, 12));
    EXPECT_TRUE(resp.topics.empty());
}

TEST_F(dispatcher_test, metadata_v13_is_unsupported_version) {
    msg::metadata_request req;
    auto r = dispatch(frame(req, 13), 1);
    ASSERT_EQ(r.what, net::response::action::send);
    msg::metadata_response resp;
    ASSERT_TRUE(resp.decode(r.body, 13));
    EXPECT_EQ(resp.error_code, error_code::unsupported_version);
}

TEST_F(dispatcher_test, describe_cluster) {
    msg::describe_cluster_request req;
    auto r = dispatch(frame(req, 1), 1);
    msg::describe_cluster_response resp;
    ASSERT_TRUE(resp.decode(r.body, 1));
    EXPECT_EQ(resp.error_code, error_code::none);
    EXPECT_EQ(resp.cluster_id, "MkU3OEVBNTcwNTJENDM2Qk");
    EXPECT_EQ(resp.controller_id, model::node_id{7});
    ASSERT_EQ(resp.brokers.size(), 1u);
    EXPECT_EQ(resp.brokers[0].broker_id, model::node_id{7});
    EXPECT_EQ(resp.brokers[0].port, 19092);
    EXPECT_EQ(resp.endpoint_type, 1);
    EXPECT_EQ(resp.cluster_authorized_operations, INT32_MIN); // not asked for

    req.include_cluster_authorized_operations = true; // no authorizer: every cluster operation
    r = dispatch(frame(req, 0), 1); // flexible from v0: response header v1
    msg::describe_cluster_response v0;
    ASSERT_TRUE(v0.decode(r.body, 0));
    EXPECT_EQ(v0.cluster_authorized_operations, 8096);

    req.endpoint_type = 2; // controllers: the wrong endpoint type on a broker listener
    r = dispatch(frame(req, 1), 1);
    msg::describe_cluster_response wrong;
    ASSERT_TRUE(wrong.decode(r.body, 1));
    EXPECT_EQ(wrong.error_code, error_code::mismatched_endpoint_type);
    EXPECT_EQ(wrong.error_message,
              "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER");
    EXPECT_TRUE(wrong.brokers.empty()); // Kafka fills in nothing else
    EXPECT_EQ(wrong.cluster_id, "");
    req.endpoint_type = 0;
    r = dispatch(frame(req, 1), 1);
    ASSERT_TRUE(wrong.decode(r.body, 1));
    EXPECT_EQ(wrong.error_code, error_code::unsupported_endpoint_type);
    EXPECT_EQ(wrong.error_message, "Unsupported endpoint type 0");

    r = dispatch(frame(req, 2), 1); // v2 is defined but not served
    ASSERT_TRUE(resp.decode(r.body, 2));
    EXPECT_EQ(resp.error_code, error_code::unsupported_version);
}

TEST_F(dispatcher_test, closes_on_unknown_api_unimplemented_api_truncated_and_undecodable) {
    byte_buffer unknown = {0x7f, 0x00, 0x00, 0x01, 0, 0, 0, 1, 0xff, 0xff};
    EXPECT_EQ(dispatch(unknown, 0).what, net::response::action::close);
    msg::create_delegation_token_request unserved; // no handler
    EXPECT_EQ(dispatch(frame(unserved, 3), 1).what, net::response::action::close);
    EXPECT_EQ(dispatch(byte_buffer{0, 3, 0}, 0).what, net::response::action::close);
    msg::metadata_request req;
    byte_buffer cut = frame(req, 12);
    cut.resize(cut.size() - 2);
    EXPECT_EQ(dispatch(cut, 1).what, net::response::action::close);
}

} // namespace
} // namespace sluice::server
