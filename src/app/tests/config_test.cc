#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "app/meta_properties.h"

namespace sluice::app {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::string& key, const std::string& value) {
    broker_config c;
    try {
        apply_setting(c, key, value);
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

TEST(config, defaults_are_a_local_broker) {
    broker_config c;
    EXPECT_EQ(c.listener.host, "localhost");
    EXPECT_EQ(c.listener.port, 9092);
    EXPECT_EQ(c.node_id, 1);
    EXPECT_EQ(c.log_dir, "./sluice-data");
    EXPECT_EQ(c.socket_request_max_bytes, 104857600);
    EXPECT_EQ(c.connections_max_idle_ms, 600000);
}

TEST(config, listeners) {
    auto l = parse_listener("listeners", "PLAINTEXT://127.0.0.1:0");
    EXPECT_EQ(l.host, "127.0.0.1");
    EXPECT_EQ(l.port, 0);
    l = parse_listener("listeners", "PLAINTEXT://:9092");
    EXPECT_EQ(l.host, "");
    l = parse_listener("listeners", "PLAINTEXT://[::1]:9093");
    EXPECT_EQ(l.host, "::1");
    EXPECT_EQ(l.port, 9093);
    EXPECT_NE(error_of("listeners", "SSL://x:1").find("listeners"), std::string::npos);
    EXPECT_NE(error_of("listeners", "PLAINTEXT://x:99999").find("listeners"), std::string::npos);
    EXPECT_NE(error_of("advertised.listeners", "localhost:9092").find("advertised.listeners"), std::string::npos);
}

TEST(config, invalid_values_name_the_key) {
    EXPECT_NE(error_of("node.id", "one").find("node.id"), std::string::npos);
    EXPECT_NE(error_of("node.id", "-3").find("node.id"), std::string::npos);
    EXPECT_NE(error_of("socket.request.max.bytes", "0").find("socket.request.max.bytes"), std::string::npos);
    EXPECT_NE(error_of("connections.max.idle.ms", "10x").find("connections.max.idle.ms"), std::string::npos);
    EXPECT_NE(error_of("max.connections", "-1").find("max.connections"), std::string::npos);
    EXPECT_NE(error_of("queued.max.request.bytes", "-1").find("queued.max.request.bytes"), std::string::npos);
    EXPECT_EQ(error_of("max.connections.per.ip", "10"), "");
}

TEST(config, properties_file_and_unknown_keys) {
    fs::path dir = fs::temp_directory_path() / ("sluice_config_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream out(dir / "server.properties");
        out << "# a comment\n! another\n\n node.id = 5 \nlog.dirs=/tmp/x\nnum.network.threads=3\n";
    }
    broker_config c;
    for (const auto& [k, v] : read_properties_file((dir / "server.properties").string())) apply_setting(c, k, v);
    EXPECT_EQ(c.node_id, 5);
    EXPECT_EQ(c.log_dir, "/tmp/x");
    EXPECT_EQ(c.unknown_keys, std::vector<std::string>{"num.network.threads"});
    {
        std::ofstream out(dir / "bad.properties");
        out << "node.id\n";
    }
    EXPECT_THROW(read_properties_file((dir / "bad.properties").string()), config_error);
    EXPECT_THROW(read_properties_file((dir / "missing.properties").string()), config_error);
    fs::remove_all(dir);
}

TEST(meta_properties, created_on_first_start_and_checked_after) {
    fs::path dir = fs::temp_directory_path() / ("sluice_meta_test_" + std::to_string(::getpid())) / "data";
    auto first = load_or_create_meta_properties(dir.string(), 3);
    EXPECT_EQ(first.cluster_id.size(), 22u);
    EXPECT_TRUE(fs::exists(dir / "meta.properties"));
    auto again = load_or_create_meta_properties(dir.string(), 3);
    EXPECT_EQ(again.cluster_id, first.cluster_id);
    try {
        load_or_create_meta_properties(dir.string(), 4);
        FAIL() << "a node id mismatch must refuse to start";
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("node.id"), std::string::npos);
    }
    fs::remove_all(dir.parent_path());
}

} // namespace
} // namespace sluice::app
