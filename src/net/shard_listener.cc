#include "net/shard_listener.h"

#include <sys/socket.h>

#include <vector>

#include <asio/socket_base.hpp>
#include <asio/use_awaitable.hpp>

#include "base/log.h"
#include "net/completion.h"
#include "net/connection.h"

namespace sluice::net {

namespace {
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
} // namespace

shard_stats& shard_stats::operator+=(const shard_stats& o) noexcept {
    accepted += o.accepted;
    refused += o.refused;
    oversized_frames += o.oversized_frames;
    idle_closed += o.idle_closed;
    budget_waits += o.budget_waits;
    open += o.open;
    requests += o.requests;
    return *this;
}

shard_listener::shard_listener(asio::io_context& context, shard_id shard, const listener_config& config,
                               connection_quota& quota, std::unique_ptr<request_handler> handler)
    : _acceptor(context),
      _shard(shard),
      _config(config),
      _quota(quota),
      _handler(std::move(handler)),
      _budget(config.shard_memory_bytes),
      _all_closed(context) {}

shard_listener::~shard_listener() = default;

void shard_listener::bind(const asio::ip::tcp::endpoint& endpoint) {
    _acceptor.open(endpoint.protocol());
    _acceptor.set_option(asio::socket_base::reuse_address(true));
    _acceptor.set_option(reuse_port(true));
    _acceptor.bind(endpoint);
    _acceptor.listen(asio::socket_base::max_listen_connections);
}

asio::awaitable<void> shard_listener::accept_loop(shard_listener* self) {
    while (!self->_shutting_down) {
        auto [ec, socket] = co_await self->_acceptor.async_accept(use_tuple);
        if (self->_shutting_down) break;
        if (ec) {
            // EMFILE and friends: back off briefly instead of spinning; the limit is logged.
            log::warn("accept failed: {}", ec.message());
            asio::steady_timer pause(self->_acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        asio::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        if (peer_ec) continue; // already gone
        std::string ip = peer.address().to_string();
        auto verdict = self->_quota.try_acquire(ip);
        if (verdict != connection_quota::verdict::accepted) {
            ++self->_stats.refused;
            log::warn("refused connection from {}: {}", ip,
                      verdict == connection_quota::verdict::over_total ? "max.connections reached"
                                                                       : "max.connections.per.ip reached");
            asio::error_code ignored;
            socket.close(ignored);
            continue;
        }
        asio::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        ++self->_stats.accepted;
        auto c = std::make_shared<connection>(std::move(socket), *self, self->_next_connection_id++, ip);
        self->_connections.insert(c.get());
        log::debug("connection {} from {} accepted", c->info().id, c->info().peer);
        c->start();
    }
}

void shard_listener::on_closed(connection& c) {
    _quota.release(c.ip());
    _connections.erase(&c);
    if (_shutting_down && _connections.empty()) _all_closed.cancel();
}

asio::awaitable<void> shard_listener::shut_down(shard_listener* self) {
    self->_shutting_down = true;
    asio::error_code ignored;
    self->_acceptor.close(ignored);
    // drain() and close() may remove connections from the set: iterate over a copy.
    std::vector<connection*> open(self->_connections.begin(), self->_connections.end());
    for (connection* c : open) c->drain();
    const auto deadline = std::chrono::steady_clock::now() + self->_config.drain_timeout;
    while (!self->_connections.empty() && std::chrono::steady_clock::now() < deadline) {
        self->_all_closed.expires_at(deadline);
        co_await self->_all_closed.async_wait(use_tuple);
    }
    if (!self->_connections.empty()) {
        log::warn("{} connections still busy after the drain timeout; closing them", self->_connections.size());
        open.assign(self->_connections.begin(), self->_connections.end());
        for (connection* c : open) c->close();
    }
}

shard_stats shard_listener::snapshot() const noexcept {
    shard_stats s = _stats;
    s.open = _connections.size();
    s.budget_waits = _budget.waits();
    return s;
}

} // namespace sluice::net
