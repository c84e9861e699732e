#include "app/serve.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/meta_properties.h"
#include "base/log.h"
#include "net/smp.h"
#include "net/tcp_server.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"

namespace sluice::app {

namespace {

struct serve_options {
    std::string config_file;
    std::vector<std::pair<std::string, std::string>> overrides;
    uint32_t shards = 0; // 0: one per core
    log::level log_level = log::level::info;
};

void usage() {
    std::fprintf(stderr,
                 "usage: sluice serve [--config server.properties] [--set key=value ...] [--smp N]\n"
                 "                    [--log-level debug|info|warn|error]\n");
}

// Returns false (after printing why) on a malformed command line.
bool parse_options(int argc, char** argv, serve_options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (arg == "--config" && (v = value())) {
            o.config_file = v;
        } else if (arg == "--set" && (v = value())) {
            std::string kv = v;
            size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::fprintf(stderr, "sluice serve: --set expects key=value, got '%s'\n", v);
                return false;
            }
            o.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        } else if (arg == "--smp" && (v = value())) {
            char* end = nullptr;
            long n = std::strtol(v, &end, 10);
            if (*end != '\0' || n < 1 || n > 256) {
                std::fprintf(stderr, "sluice serve: --smp expects a shard count from 1 to 256, got '%s'\n", v);
                return false;
            }
            o.shards = static_cast<uint32_t>(n);
        } else if (arg == "--log-level" && (v = value())) {
            if (!log::parse_level(v, o.log_level)) {
                std::fprintf(stderr, "sluice serve: unknown log level '%s'\n", v);
                return false;
            }
        } else {
            std::fprintf(stderr, "sluice serve: unexpected argument '%s'\n", arg.c_str());
            return false;
        }
    }
    return true;
}

broker_config load_config(const serve_options& o) {
    broker_config config;
    if (!o.config_file.empty()) {
        for (const auto& [key, value] : read_properties_file(o.config_file)) apply_setting(config, key, value);
    }
    for (const auto& [key, value] : o.overrides) apply_setting(config, key, value);
    if (!config.advertised_set) config.advertised = config.listener;
    return config;
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

std::string endpoint_text(const std::string& name, const std::string& host, uint16_t port) {
    bool v6 = host.find(':') != std::string::npos;
    return name + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int wait_for_stop_signal(const sigset_t& signals) {
    int received = 0;
    while (sigwait(&signals, &received) != 0) {
    }
    return received;
}

int run(const serve_options& options) {
    broker_config config = load_config(options);
    for (const auto& key : config.unknown_keys) log::warn("unknown configuration key '{}' ignored", key);
    meta_properties meta = load_or_create_meta_properties(config.log_dir, config.node_id);

    // SIGTERM/SIGINT are taken by sigwait on this thread only: block them before any shard
    // thread exists (threads inherit the mask). SIGPIPE: a peer gone mid-write is an error
    // value, not a signal.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    const uint32_t shard_count = options.shards ? options.shards : std::max(1u, std::thread::hardware_concurrency());
    net::listener_config listener;
    listener.host = config.listener.host;
    listener.port = config.listener.port;
    listener.max_request_bytes = config.socket_request_max_bytes;
    listener.max_connections = config.max_connections;
    listener.max_connections_per_ip = config.max_connections_per_ip;
    listener.idle_timeout = std::chrono::milliseconds(config.connections_max_idle_ms);
    listener.shard_memory_bytes = static_cast<size_t>(std::max<int64_t>(1, config.queued_max_request_bytes / shard_count));

    server::broker_identity identity;
    identity.node_id = model::node_id{config.node_id};
    identity.cluster_id = meta.cluster_id;

    net::smp shards(shard_count);
    cluster::metadata_store metadata;
    server::broker_context ctx;
    ctx.identity = &identity;
    ctx.shards = &shards;
    ctx.metadata = &metadata;
    net::tcp_server kafka_listener(shards, listener, [&ctx](net::shard_id) {
        return std::make_unique<server::dispatcher>(ctx, server::handler_table::instance());
    });
    try {
        kafka_listener.listen();
    } catch (const std::system_error& e) {
        log::error("listeners: {}", e.what());
        return 1;
    }
    // Filled in before the shards start (thread creation publishes it to them); read-only after.
    const std::string& advertised = config.advertised.host;
    identity.advertised_host = advertised.empty() || advertised == "0.0.0.0" || advertised == "::" ? host_name() : advertised;
    identity.advertised_port = config.advertised.port != 0 ? config.advertised.port : kafka_listener.port();

    shards.start();
    kafka_listener.start();
    log::info("sluice {} node.id={} cluster.id={} shards={}", SLUICE_VERSION, config.node_id, meta.cluster_id, shard_count);
    log::info("data dir {}", config.log_dir);
    log::info("listening on {} (advertised {})",
              endpoint_text(config.listener.name, config.listener.host, kafka_listener.port()),
              endpoint_text(config.advertised.name, identity.advertised_host, static_cast<uint16_t>(identity.advertised_port)));

    int sig = wait_for_stop_signal(stop_signals);
    log::info("{}: stopping (no new connections; answering requests in flight)", strsignal(sig));
    kafka_listener.stop();
    shards.stop();
    log::info("stopped");
    return 0;
}

} // namespace

int serve(int argc, char** argv) {
    serve_options options;
    if (!parse_options(argc, argv, options)) {
        usage();
        return 2;
    }
    log::set_level(options.log_level);
    try {
        return run(options);
    } catch (const config_error& e) {
        log::error("refusing to start: {}", e.what());
        return 1;
    }
}

} // namespace sluice::app
