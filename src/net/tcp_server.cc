#include "net/tcp_server.h"

#include <system_error>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>

#include "base/assert.h"
#include "base/log.h"

namespace sluice::net {

namespace {

// IPv4 first: "localhost" binds 127.0.0.1, which every client tries.
asio::ip::tcp::endpoint resolve(asio::io_context& context, const std::string& host, uint16_t port) {
    if (host.empty()) return {asio::ip::address_v4::any(), port};
    asio::ip::tcp::resolver resolver(context);
    asio::error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), asio::ip::tcp::resolver::numeric_service, ec);
    if (ec) throw std::system_error(ec, "cannot resolve listener host '" + host + "'");
    for (const auto& r : results)
        if (r.endpoint().address().is_v4()) return r.endpoint();
    return results.begin()->endpoint();
}

} // namespace

tcp_server::tcp_server(smp& shards, listener_config config, const handler_factory& make_handler)
    : _shards(shards), _config(std::move(config)), _quota(_config.max_connections, _config.max_connections_per_ip) {
    for (shard_id s = 0; s < _shards.count(); ++s) {
        _listeners.push_back(std::make_unique<shard_listener>(_shards.context(s), s, _config, _quota, make_handler(s)));
    }
}

tcp_server::~tcp_server() = default;

void tcp_server::listen() {
    asio::ip::tcp::endpoint endpoint = resolve(_shards.context(0), _config.host, _config.port);
    for (auto& l : _listeners) {
        try {
            l->bind(endpoint);
        } catch (const std::system_error& e) {
            throw std::system_error(e.code(), "cannot listen on " + endpoint.address().to_string() + ":" +
                                                  std::to_string(endpoint.port()));
        }
        // Port 0: the first shard's bind picks the port; the others share it (SO_REUSEPORT).
        endpoint.port(l->local_endpoint().port());
    }
    _port = endpoint.port();
}

void tcp_server::start() {
    SLUICE_ASSERT(!_started, "tcp_server started twice");
    _started = true;
    for (shard_id s = 0; s < _shards.count(); ++s) {
        asio::co_spawn(_shards.context(s), shard_listener::accept_loop(_listeners[s].get()), asio::detached);
    }
}

void tcp_server::stop() {
    if (_stopped || !_started) return;
    _stopped = true;
    std::vector<std::future<void>> done;
    for (shard_id s = 0; s < _shards.count(); ++s) {
        shard_listener* l = _listeners[s].get();
        done.push_back(_shards.run_on(s, [l] { return shard_listener::shut_down(l); }));
    }
    for (auto& d : done) d.get();
}

shard_stats tcp_server::stats() {
    shard_stats total;
    for (shard_id s = 0; s < _shards.count(); ++s) {
        shard_listener* l = _listeners[s].get();
        total += _shards.run_on(s, [l] { return l->snapshot(); }).get();
    }
    return total;
}

} // namespace sluice::net
