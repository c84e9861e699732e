#pragma once
// Request frames for handler tests: the request header (at the version the API table gives
// the request's version) followed by the encoded body, as a client sends them.
#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "protocol/api_table.h"
#include "protocol/generated/header_request_header.h"

namespace sluice::server::testing {

template <typename Request>
byte_buffer request_frame(const Request& req, int16_t version, int32_t correlation_id, std::string client_id) {
    protocol::msg::request_header header;
    header.request_api_key = Request::api_key;
    header.request_api_version = version;
    header.correlation_id = correlation_id;
    header.client_id = std::move(client_id);
    const protocol::api_info* api = protocol::find_api(Request::api_key);
    byte_buffer out = header.encode(protocol::request_header_version(*api, version));
    byte_buffer body = req.encode(version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

} // namespace sluice::server::testing
