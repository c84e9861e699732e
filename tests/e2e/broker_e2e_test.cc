// End-to-end: the real `sluice serve` binary against real Kafka clients (kcat,
// python3-confluent-kafka, kafka-python) and against hostile byte streams.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <memory>
#include <vector>

#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "net/tests/test_client.h"
#include "protocol/generated/all_messages.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using golden::find_program;
using golden::run_process;
using net::testing::test_client;
namespace msg = protocol::msg;

// ApiVersions v3 on `c`; true when the broker answers it correctly.
bool api_versions_works(test_client& c, int32_t correlation_id = 7) {
    msg::api_versions_request req;
    req.client_software_name = "sluice-e2e";
    req.client_software_version = "1.0";
    c.send_frame(request_frame(req, 3, 2, correlation_id));
    auto answer = c.read_frame(10s);
    if (!answer) return false;
    protocol::reader r(as_bytes(*answer));
    msg::response_header h;
    h.read(r, 0);
    msg::api_versions_response resp;
    return h.correlation_id == correlation_id &&
           resp.decode(byte_view(r.position(), r.remaining()), 3) && resp.error_code == protocol::error_code::none &&
           !resp.api_keys.empty();
}

bool fresh_api_versions_works(uint16_t port) {
    test_client c(port);
    return c.connected() && api_versions_works(c);
}

using broker_e2e = broker_test;

TEST_F(broker_e2e, kcat_lists_the_cluster_of_one) {
    if (find_program("kcat").empty()) GTEST_SKIP() << "kcat is not installed";
    start({"--set", "node.id=3"});
    auto r = run_process({find_program("kcat"), "-L", "-b", broker->bootstrap(), "-m", "10"}, "", 20s);
    ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_NE(r.out.find("1 brokers:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("broker 3 at " + broker->bootstrap() + " (controller)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 topics:"), std::string::npos) << r.out;
}

TEST_F(broker_e2e, confluent_kafka_admin_list_topics) {
    if (!python_has("confluent_kafka")) GTEST_SKIP() << "python3-confluent-kafka is not installed";
    start();
    auto r = run_process({python, "-c", R"(
import sys
from confluent_kafka.admin import AdminClient
md = AdminClient({'bootstrap.servers': sys.argv[1]}).list_topics(timeout=15)
for b in md.brokers.values():
    print('broker', b.id, b.host, b.port)
print('cluster', md.cluster_id, 'controller', md.controller_id, 'topics', len(md.topics))
)", broker->bootstrap()}, "", 30s);
    ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_NE(r.out.find("broker 1 127.0.0.1 " + std::to_string(broker->port())), std::string::npos) << r.out;
    // The cluster id the broker wrote to its data directory on first start.
    auto log = broker->log();
    auto at = log.find("cluster.id=");
    ASSERT_NE(at, std::string::npos);
    std::string cluster_id = log.substr(at + 11, 22);
    EXPECT_NE(r.out.find("cluster " + cluster_id + " controller 1 topics 0"), std::string::npos) << r.out;
}

TEST_F(broker_e2e, kafka_python_admin_describe_cluster) {
    if (!python_has("kafka")) GTEST_SKIP() << "python3-kafka is not installed";
    start({"--set", "node.id=9"});
    auto r = run_process({python, "-c", R"(
import sys
from kafka.admin import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=15000)
c = admin.describe_cluster()
for b in c['brokers']:
    print('broker', b['node_id'], b['host'], b['port'])
print('cluster', c['cluster_id'], 'controller', c['controller_id'])
admin.close()
)", broker->bootstrap()}, "", 30s);
    ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_NE(r.out.find("broker 9 127.0.0.1 " + std::to_string(broker->port())), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("controller 9"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("cluster None"), std::string::npos) << r.out;
}

TEST_F(broker_e2e, hostile_connections_are_closed_and_others_served) {
    start();
    const uint16_t port = broker->port();
    test_client healthy(port); // stays open through it all
    ASSERT_TRUE(api_versions_works(healthy, 1));

    test_client garbage(port);
    garbage.send_raw("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 this is a TLS hello, not Kafka");
    EXPECT_TRUE(garbage.closed_by_server(10s));
    EXPECT_TRUE(fresh_api_versions_works(port));

    test_client huge(port);
    huge.send_raw(std::string("\x7f\xff\xff\xff", 4)); // a 2 GiB length prefix
    EXPECT_TRUE(huge.closed_by_server(10s));
    EXPECT_TRUE(fresh_api_versions_works(port));

    test_client negative(port);
    negative.send_raw(std::string("\x80\x00\x00\x00", 4));
    EXPECT_TRUE(negative.closed_by_server(10s));

    {
        test_client truncated(port); // half a frame, then the client goes away
        truncated.send_raw(std::string("\x00\x00\x00\x40", 4) + "\x00\x12\x00\x03\x00\x00");
    }
    EXPECT_TRUE(fresh_api_versions_works(port));

    test_client unknown_api(port);
    unknown_api.send_frame(std::string("\x7f\x00\x00\x00\x00\x00\x00\x05\x00\x00", 10));
    EXPECT_TRUE(unknown_api.closed_by_server(10s));

    test_client too_short(port);
    too_short.send_frame(std::string("\x00\x03\x00", 3));
    EXPECT_TRUE(too_short.closed_by_server(10s));

    {
        test_client future(port); // ApiVersions v99: the v0 layout with UNSUPPORTED_VERSION
        future.send_frame(request_frame(msg::api_versions_request{}, 99, 2, 11));
        auto answer = future.read_frame(10s);
        ASSERT_TRUE(answer.has_value());
        protocol::reader r(as_bytes(*answer));
        msg::response_header h;
        h.read(r, 0);
        EXPECT_EQ(h.correlation_id, 11);
        msg::api_versions_response resp;
        ASSERT_TRUE(resp.decode(byte_view(r.position(), r.remaining()), 0));
        EXPECT_EQ(resp.error_code, protocol::error_code::unsupported_version);
        EXPECT_TRUE(api_versions_works(future)); // and the connection stays usable
    }
    {
        test_client metadata13(port); // Metadata v13 is defined but not served
        metadata13.send_frame(request_frame(msg::metadata_request{}, 13, 2, 12));
        auto answer = metadata13.read_frame(10s);
        ASSERT_TRUE(answer.has_value());
        protocol::reader r(as_bytes(*answer));
        msg::response_header h;
        h.read(r, 1);
        EXPECT_EQ(h.correlation_id, 12);
        msg::metadata_response resp;
        ASSERT_TRUE(resp.decode(byte_view(r.position(), r.remaining()), 13));
        EXPECT_EQ(resp.error_code, protocol::error_code::unsupported_version);
    }
    EXPECT_TRUE(api_versions_works(healthy, 2));
    EXPECT_TRUE(fresh_api_versions_works(port));
}

TEST_F(broker_e2e, a_thousand_idle_connections_and_the_broker_still_answers) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < 2200 && limit.rlim_max >= 2200) {
        limit.rlim_cur = limit.rlim_max; // inherited by the broker
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur < 2200) GTEST_SKIP() << "needs 2200 file descriptors, the hard limit is " << limit.rlim_max;
    start();
    std::vector<std::unique_ptr<test_client>> idle;
    for (int i = 0; i < 1000; ++i) {
        idle.push_back(std::make_unique<test_client>(broker->port()));
        ASSERT_TRUE(idle.back()->connected()) << i;
    }
    EXPECT_TRUE(fresh_api_versions_works(broker->port()));
    // The idle ones are still open and usable.
    EXPECT_TRUE(api_versions_works(*idle.front()));
    EXPECT_TRUE(api_versions_works(*idle.back()));
}

TEST_F(broker_e2e, idle_connections_are_closed_after_connections_max_idle_ms) {
    start({"--set", "connections.max.idle.ms=200"});
    test_client c(broker->port());
    ASSERT_TRUE(api_versions_works(c));
    EXPECT_TRUE(c.closed_by_server(10s));
}

TEST_F(broker_e2e, sigint_stops_cleanly_too) {
    start();
    ASSERT_TRUE(fresh_api_versions_works(broker->port()));
    EXPECT_EQ(broker->stop(SIGINT), 0) << broker->log();
}

TEST(broker_e2e_config, invalid_values_are_refused_naming_the_key) {
    auto r = run_process({SLUICE_BINARY, "serve", "--set", "socket.request.max.bytes=lots", "--set",
                          "log.dirs=/tmp/sluice-e2e-refused"},
                         "", 20s);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("socket.request.max.bytes"), std::string::npos) << r.err;
    r = run_process({SLUICE_BINARY, "serve", "--bogus"}, "", 20s);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
}

TEST(broker_e2e_config, version_still_works) {
    auto r = run_process({SLUICE_BINARY, "--version"}, "", 20s);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.out.rfind("sluice ", 0), 0u);
}

} // namespace
} // namespace sluice::e2e
