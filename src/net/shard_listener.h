#pragma once
// shard_listener: what one shard owns of the Kafka listener: its SO_REUSEPORT acceptor (the
// kernel spreads new connections over the shards' acceptors), its connections, its memory
// budget and its request_handler.
//
// Threads: constructed and bound on the main thread before the shard runs; everything else on
// the shard's thread. Lifetime: owned by tcp_server; outlives its connections' use of it
// (connections stop touching it in close()).
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_set>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "net/connection_quota.h"
#include "net/listener_config.h"
#include "net/memory_budget.h"
#include "net/request_handler.h"
#include "net/smp.h"

namespace sluice::net {

class connection;

struct shard_stats {
    uint64_t accepted = 0;
    uint64_t refused = 0;          // over max.connections or max.connections.per.ip
    uint64_t oversized_frames = 0; // size prefix over socket.request.max.bytes or negative
    uint64_t idle_closed = 0;
    uint64_t budget_waits = 0;     // times a connection stopped reading for back-pressure
    uint64_t open = 0;
    uint64_t requests = 0;

    shard_stats& operator+=(const shard_stats& o) noexcept;
};

class shard_listener {
public:
    shard_listener(asio::io_context& context, shard_id shard, const listener_config& config,
                   connection_quota& quota, std::unique_ptr<request_handler> handler);
    ~shard_listener();

    // Opens, binds (SO_REUSEPORT) and listens. Main thread, before start.
    void bind(const asio::ip::tcp::endpoint& endpoint);
    asio::ip::tcp::endpoint local_endpoint() const { return _acceptor.local_endpoint(); }

    // The accept loop; spawned on the shard.
    static asio::awaitable<void> accept_loop(shard_listener* self);
    // Closes the acceptor, drains every connection and completes when all are closed (those
    // still open after drain_timeout are closed).
    static asio::awaitable<void> shut_down(shard_listener* self);

    // For connections (shard thread).
    const listener_config& config() const noexcept { return _config; }
    memory_budget& budget() noexcept { return _budget; }
    request_handler& handler() noexcept { return *_handler; }
    shard_id shard() const noexcept { return _shard; }
    shard_stats& stats() noexcept { return _stats; }
    void on_closed(connection& c);

    shard_stats snapshot() const noexcept;

private:
    asio::ip::tcp::acceptor _acceptor;
    shard_id _shard;
    const listener_config& _config;
    connection_quota& _quota;
    std::unique_ptr<request_handler> _handler;
    memory_budget _budget;
    std::unordered_set<connection*> _connections;
    asio::steady_timer _all_closed; // cancelled when the last connection closes while draining
    bool _shutting_down = false;
    uint64_t _next_connection_id = 1;
    shard_stats _stats;
};

} // namespace sluice::net
