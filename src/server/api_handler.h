#pragma once
// api_handler: how one Kafka API is served. Each API has one file in handlers/ defining one
// api_handler that states the versions it implements (STYLE.md: one handler per API).
#include <cstdint>

#include <asio/awaitable.hpp>

#include "base/bytes.h"
#include "net/request_handler.h"
#include "protocol/api_table.h"
#include "protocol/error_code.h"
#include "protocol/generated/header_request_header.h"
#include "server/broker_context.h"
#include "server/broker_identity.h"

namespace sluice::server {

class handler_table;

// What a handler sees of a request. `response` already holds the response header; the
// handler appends the response body (respond()). Everything here lives on the shard that
// read the request, for as long as the handler runs.
struct request {
    const protocol::api_info& api;
    int16_t version;
    const protocol::msg::request_header& header;
    byte_view body;
    net::connection_info& connection;
    const broker_identity& broker;
    const broker_context& ctx;
    const handler_table& handlers;
    byte_buffer& response;
    // Record bytes sent from segment files (Fetch): their places in `response`, see
    // protocol::splice and net::file_part.
    std::vector<net::file_part>* files = nullptr;
};

enum class handler_outcome : uint8_t {
    respond,    // send `request.response`
    no_response, // Produce with acks=0
    close,      // the body did not decode: close the connection (as Kafka does)
};

// Appends `message` as the response body at the request's version.
template <typename Message>
handler_outcome respond(request& r, const Message& message) {
    r.response.reserve(r.response.size() + message.size(r.version));
    protocol::writer w(r.response);
    message.write(w, r.version);
    return handler_outcome::respond;
}

struct api_handler {
    int16_t api_key;
    int16_t min_version; // the versions this handler implements; what is advertised is the
    int16_t max_version; // intersection with the API table's advertised range
    asio::awaitable<handler_outcome> (*handle)(request& r);
    // Appends this API's response body carrying only `code` at `version` (UNSUPPORTED_VERSION
    // for a version the handler does not implement).
    void (*error_response)(int16_t version, protocol::error_code code, byte_buffer& out);
};

} // namespace sluice::server
