#pragma once
// Decoding requests and encoding responses for the fake broker's handlers: always through the
// generated message structs, at the request's own version.
#include <optional>

#include "golden/capture_server.h"

namespace sluice::golden {

template <typename Request>
std::optional<Request> decode_request(const inbound_request& request) {
    Request message;
    if (!message.decode(request.body, request.api_version)) return std::nullopt;
    return message;
}

template <typename Response>
handler_reply reply_with(const Response& response, const inbound_request& request,
                         std::chrono::milliseconds delay = {}) {
    return handler_reply::respond(response.encode(request.api_version), delay);
}

} // namespace sluice::golden
