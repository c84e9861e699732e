#pragma once
// request_frame: the first step of serving a request. Splits a frame (the bytes after the
// 4-byte size prefix) into its header and body, choosing the header version from the API
// table (request header v2 for flexible versions, else v1), without copying the body.
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "protocol/api_table.h"
#include "protocol/generated/header_request_header.h"

namespace sluice::protocol {

enum class frame_error : uint8_t {
    none,
    truncated_header,    // not even api key, version and correlation id: close the connection
    unknown_api,         // an API key Sluice does not define: Kafka closes the connection
    unsupported_version, // known API, version not advertised: answer UNSUPPORTED_VERSION
    malformed_header,    // client id or header tags malformed: close the connection
};

struct request_frame {
    frame_error error = frame_error::none;
    // Always set when error != truncated_header, so an error answer can be correlated.
    int16_t api_key = -1;
    int16_t api_version = -1;
    int32_t correlation_id = 0;
    const api_info* api = nullptr;
    msg::request_header header; // complete only when error == none
    byte_view body;             // the request body: a view into the frame
};

request_frame parse_request_frame(byte_view frame) noexcept;

} // namespace sluice::protocol
