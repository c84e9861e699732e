#pragma once
// dispatcher: the server side of net::request_handler. Splits a frame into header and body
// (protocol::parse_request_frame), picks the API's handler and frames its answer behind the
// response header (v0 or v1 per the API table; always v0 for ApiVersions, KIP-511).
//
// What is answered and what closes the connection (as Kafka does):
//  - shorter than a header, malformed header, unknown API key: close;
//  - a version outside the handler's (or the advertised) range: that API's error response
//    with UNSUPPORTED_VERSION (ApiVersions: the v0 layout listing the supported versions);
//    a version the definitions cannot even describe, or an API with no handler yet: close;
//  - a body that does not decode: close.
//
// Threads: one dispatcher per shard, called on that shard only. Holds no mutable state.
#include "net/request_handler.h"
#include "server/broker_context.h"
#include "server/handler_table.h"

namespace sluice::server {

class dispatcher final : public net::request_handler {
public:
    dispatcher(const broker_context& ctx, const handler_table& handlers) noexcept : _ctx(ctx), _handlers(handlers) {}

    asio::awaitable<net::response> handle(byte_buffer frame, net::connection_info& connection) override;

private:
    const broker_context& _ctx;
    const handler_table& _handlers;
};

} // namespace sluice::server
