#include "app/serve.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>

#include "app/config.h"
#include "app/meta_properties.h"
#include "app/quorum_adapters.h"
#include "base/log.h"
#include "cluster/controller.h"
#include "cluster/topic_config_hooks.h"
#include "net/completion.h"
#include "net/smp.h"
#include "net/tcp_server.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"
#include "server/shard_partitions.h"
#include "storage/checkpoint_file.h"
#include "storage/posix_file_system.h"

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

int64_t property(const storage::properties& p, std::string_view key, int64_t fallback) {
    return storage::property_int(p, key, fallback);
}

bool property_bool(const storage::properties& p, std::string_view key, bool fallback) {
    auto it = p.find(key);
    return it == p.end() ? fallback : it->second == "true";
}

cluster::controller_config controller_settings(const broker_config& config) {
    cluster::controller_config c;
    const auto& p = config.properties;
    c.node_id = config.node_id;
    c.default_partitions = static_cast<int32_t>(property(p, "num.partitions", 1));
    c.default_replication_factor = static_cast<int16_t>(property(p, "default.replication.factor", 1));
    c.delete_topic_enable = property_bool(p, "delete.topic.enable", true);
    c.max_partitions = property(p, "max.partitions", c.max_partitions);
    cluster::set_topic_config_hooks(c, p);
    return c;
}

// Every second on each shard: flush.ms syncs, checkpoints, retention and compaction.
asio::awaitable<void> tick_loop(server::shard_partitions& partitions, std::shared_ptr<std::atomic<bool>> stopping) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stopping->load()) {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(net::use_tuple);
        if (stopping->load()) break;
        partitions.tick();
    }
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
    ctx.settings.properties = config.properties;
    ctx.settings.auto_create_topics = property_bool(config.properties, "auto.create.topics.enable", true);
    ctx.settings.num_partitions = static_cast<int32_t>(property(config.properties, "num.partitions", 1));
    ctx.settings.default_replication_factor =
        static_cast<int16_t>(property(config.properties, "default.replication.factor", 1));
    ctx.settings.fetch_max_bytes = static_cast<int32_t>(property(config.properties, "fetch.max.bytes", 57'671'680));
    ctx.settings.fetch_sessions =
        static_cast<int32_t>(property(config.properties, "max.incremental.fetch.session.cache.slots", 1000));
    ctx.settings.log_dir = config.log_dir;

    // Logs: one manager per shard over the directory; the clean-shutdown marker is the
    // directory's, read here once and written once every shard has shut down.
    storage::posix_file_system fs;
    storage::system_clock clock;
    const bool clean = storage::has_clean_shutdown_marker(fs, config.log_dir);
    storage::log_dir_config dir = storage::log_dir_config_from(config.log_dir, config.properties);
    std::vector<std::unique_ptr<server::shard_partitions>> partitions;
    for (net::shard_id s = 0; s < shard_count; ++s) {
        partitions.push_back(std::make_unique<server::shard_partitions>(s, ctx, fs, clock, dir));
        ctx.partitions.push_back(partitions.back().get());
    }
    // Each image the quorum applies reaches every shard, in order.
    auto shards_open = std::make_shared<std::atomic<bool>>(false);
    metadata.subscribe([&shards, &ctx, shards_open](const cluster::image_ptr&, const cluster::image_ptr& after) {
        if (!shards_open->load()) return; // shards reconcile with the current image when they open
        for (net::shard_id s = 0; s < shards.count(); ++s)
            shards.post_to(s, [p = ctx.partitions[s], after] { p->reconcile(after); });
    });

    // The metadata quorum: replays the metadata log into the store before anything serves.
    raft::quorum_config quorum_config;
    quorum_config.dir = config.log_dir + "/__cluster_metadata-0";
    quorum_config.node_id = config.node_id;
    store_state_machine state_machine(metadata);
    std::unique_ptr<raft::metadata_quorum> quorum;
    try {
        quorum = raft::metadata_quorum::start(quorum_config, state_machine);
    } catch (const std::exception& e) {
        log::error("metadata quorum: {}", e.what());
        return 1;
    }
    quorum_metadata_log metadata_log(*quorum);
    cluster::controller controller(metadata, metadata_log, controller_settings(config));
    ctx.controller = &controller;
    log::info("metadata: {} topic(s), {} partition(s) at metadata offset {}", metadata.current()->topics().size(),
              metadata.current()->partition_count(), metadata.current()->offset());

    shards.start();
    auto stopping = std::make_shared<std::atomic<bool>>(false);
    for (net::shard_id s = 0; s < shard_count; ++s) {
        storage::storage_errc e = shards.run_on(s, [&, s] {
            storage::storage_errc e = partitions[s]->open(clean);
            if (e == storage::storage_errc::none) partitions[s]->reconcile(metadata.current());
            return e;
        }).get();
        if (e != storage::storage_errc::none) {
            log::error("opening the logs in {} (shard {}): {}", config.log_dir, s, storage::to_string(e));
            quorum->stop();
            shards.stop();
            return 1;
        }
        asio::co_spawn(shards.context(s), tick_loop(*partitions[s], stopping), asio::detached);
    }
    shards_open->store(true);
    for (net::shard_id s = 0; s < shard_count; ++s)
        shards.post_to(s, [p = partitions[s].get(), &metadata] { p->reconcile(metadata.current()); });
    if (clean) {
        if (storage::remove_clean_shutdown_marker(fs, config.log_dir) != storage::storage_errc::none) {
            log::error("cannot remove the clean-shutdown marker in {}", config.log_dir);
            return 1;
        }
    }
    size_t logs = 0;
    for (auto& p : partitions) logs += p->logs().size();
    log::info("logs: {} partition(s) opened from {} ({})", logs, config.log_dir,
              clean ? "clean shutdown" : "recovered after an unclean shutdown or first start");

    net::tcp_server kafka_listener(shards, listener, [&ctx](net::shard_id) {
        return std::make_unique<server::dispatcher>(ctx, server::handler_table::instance());
    });
    try {
        kafka_listener.listen();
    } catch (const std::system_error& e) {
        log::error("listeners: {}", e.what());
        return 1;
    }
    const std::string& advertised = config.advertised.host;
    identity.advertised_host = advertised.empty() || advertised == "0.0.0.0" || advertised == "::" ? host_name() : advertised;
    identity.advertised_port = config.advertised.port != 0 ? config.advertised.port : kafka_listener.port();

    kafka_listener.start();
    log::info("sluice {} node.id={} cluster.id={} shards={}", SLUICE_VERSION, config.node_id, meta.cluster_id, shard_count);
    log::info("data dir {}", config.log_dir);
    log::info("listening on {} (advertised {})",
              endpoint_text(config.listener.name, config.listener.host, kafka_listener.port()),
              endpoint_text(config.advertised.name, identity.advertised_host, static_cast<uint16_t>(identity.advertised_port)));

    int sig = wait_for_stop_signal(stop_signals);
    log::info("{}: stopping (no new connections; answering requests in flight)", strsignal(sig));
    // Long polls answer now with what they have: the listener's drain waits for requests in
    // flight, and a fetch would otherwise hold it until its deadline (up to 30 s).
    for (net::shard_id s = 0; s < shard_count; ++s)
        shards.run_on(s, [&, s] { partitions[s]->stop_long_polls(); }).get();
    for (net::shard_id s = 0; s < shard_count; ++s) shards.run_on(s, [&, s] { partitions[s]->wake_waiters(); }).get();
    kafka_listener.stop();
    stopping->store(true);
    // Every log synced and closed, checkpoints written; then the directory's marker.
    bool all_clean = true;
    for (net::shard_id s = 0; s < shard_count; ++s) {
        storage::storage_errc e = shards.run_on(s, [&, s] { return partitions[s]->shutdown(); }).get();
        if (e != storage::storage_errc::none) {
            log::error("shard {}: clean shutdown of the logs failed: {}", s, storage::to_string(e));
            all_clean = false;
        }
    }
    quorum->stop();
    shards.stop();
    if (all_clean && storage::write_clean_shutdown_marker(fs, config.log_dir) != storage::storage_errc::none)
        log::error("cannot write the clean-shutdown marker in {}", config.log_dir);
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
