#pragma once
// tcp_server: the Kafka listener across all shards. Every shard accepts on the same port
// (SO_REUSEPORT) and serves the connections it accepted; requests go to that shard's
// request_handler (made by the factory, one per shard).
//
// Threads: every public member is called from one non-shard thread (main, or a test). Order:
// construct -> listen() -> smp::start() -> start() -> ... -> stop() -> smp::stop() ->
// destroy the tcp_server -> destroy the smp.
#include <functional>
#include <memory>
#include <vector>

#include "net/connection_quota.h"
#include "net/listener_config.h"
#include "net/request_handler.h"
#include "net/shard_listener.h"
#include "net/smp.h"

namespace sluice::net {

using handler_factory = std::function<std::unique_ptr<request_handler>(shard_id)>;

class tcp_server {
public:
    tcp_server(smp& shards, listener_config config, const handler_factory& make_handler);
    ~tcp_server();

    // Resolves the host and binds one acceptor per shard. Throws std::system_error (the
    // message names the address) when the address cannot be resolved or bound.
    void listen();
    // The bound port (the ephemeral one when the configured port is 0).
    uint16_t port() const noexcept { return _port; }
    // Starts accepting on every shard (the smp must be running).
    void start();
    // Stops accepting, lets in-flight requests finish and closes every connection; returns
    // when all shards are done. Idempotent.
    void stop();
    // Sum over the shards.
    shard_stats stats();

private:
    smp& _shards;
    listener_config _config;
    connection_quota _quota;
    std::vector<std::unique_ptr<shard_listener>> _listeners;
    uint16_t _port = 0;
    bool _started = false;
    bool _stopped = false;
};

} // namespace sluice::net
