#include "server/dispatcher.h"

#include "base/log.h"
#include "protocol/generated/header_response_header.h"
#include "protocol/request_frame.h"

namespace sluice::server {

namespace {

using protocol::frame_error;

byte_buffer response_header(int32_t correlation_id, int16_t header_version) {
    protocol::msg::response_header header;
    header.correlation_id = correlation_id;
    return header.encode(header_version);
}

net::response close_connection(const net::connection_info& c, std::string_view why, int16_t key, int16_t version) {
    log::info("connection {} from {}: {} (api key {}, version {}); closing", c.id, c.peer, why, key, version);
    return net::response::close();
}

// UNSUPPORTED_VERSION in the API's own response, or nullopt when it cannot be written.
std::optional<net::response> unsupported_version(const protocol::request_frame& f, const api_handler* h) {
    const protocol::api_info& api = *f.api;
    if (h == nullptr) return std::nullopt;
    if (api.key == protocol::api_versions_key) {
        byte_buffer out = response_header(f.correlation_id, 0);
        h->error_response(f.api_version, protocol::error_code::unsupported_version, out);
        return net::response::send(std::move(out));
    }
    // The answer is written in the request's version, so the definitions must describe it.
    if (f.api_version < api.schema_min_version || f.api_version > api.schema_max_version) return std::nullopt;
    byte_buffer out = response_header(f.correlation_id, protocol::response_header_version(api, f.api_version));
    h->error_response(f.api_version, protocol::error_code::unsupported_version, out);
    return net::response::send(std::move(out));
}

} // namespace

asio::awaitable<net::response> dispatcher::handle(byte_buffer frame, net::connection_info& connection) {
    const protocol::request_frame f = protocol::parse_request_frame(frame);
    switch (f.error) {
    case frame_error::truncated_header:
        co_return close_connection(connection, "request shorter than a request header", -1, -1);
    case frame_error::malformed_header:
        co_return close_connection(connection, "malformed request header", f.api_key, f.api_version);
    case frame_error::unknown_api:
        co_return close_connection(connection, "unknown API key", f.api_key, f.api_version);
    case frame_error::unsupported_version:
    case frame_error::none:
        break;
    }
    const api_handler* h = _handlers.find(f.api_key);
    int16_t min_version = 0, max_version = -1;
    const bool served = h != nullptr && handler_table::advertised_range(*h, min_version, max_version) &&
                        f.api_version >= min_version && f.api_version <= max_version;
    if (f.error == frame_error::unsupported_version || !served) {
        if (auto answer = unsupported_version(f, h)) {
            log::debug("connection {} from {}: {} v{} not supported", connection.id, connection.peer,
                       f.api->name, f.api_version);
            co_return std::move(*answer);
        }
        co_return close_connection(connection,
                                   h == nullptr ? "API not implemented yet" : "version not supported",
                                   f.api_key, f.api_version);
    }
    byte_buffer out = response_header(f.correlation_id, protocol::response_header_version(*f.api, f.api_version));
    std::vector<net::file_part> files;
    request r{*f.api, f.api_version, f.header, f.body, connection, *_ctx.identity, _ctx, _handlers, out, &files};
    switch (co_await h->handle(r)) {
    case handler_outcome::respond:
        co_return net::response::send(std::move(out), std::move(files));
    case handler_outcome::no_response:
        co_return net::response::none();
    case handler_outcome::close:
        break;
    }
    co_return close_connection(connection, "request body does not decode", f.api_key, f.api_version);
}

} // namespace sluice::server
