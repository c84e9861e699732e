#include "protocol/request_frame.h"

#include "base/endian.h"

namespace sluice::protocol {

request_frame parse_request_frame(byte_view frame) noexcept {
    request_frame out;
    if (frame.size() < 8) {
        out.error = frame_error::truncated_header;
        return out;
    }
    out.api_key = be::load<int16_t>(frame.data());
    out.api_version = be::load<int16_t>(frame.data() + 2);
    out.correlation_id = be::load<int32_t>(frame.data() + 4);
    out.api = find_api(out.api_key);
    if (out.api == nullptr) {
        out.error = frame_error::unknown_api;
        return out;
    }
    // A version outside what the definitions describe cannot be parsed. ApiVersions is the
    // exception clients rely on (KIP-511): its header is parsed as v1/v2 by the usual rule
    // and the body ignored, so the broker can answer with the versions it supports.
    const bool describable = out.api_version >= out.api->schema_min_version &&
                             out.api_version <= out.api->schema_max_version;
    if (!describable && out.api_key != api_versions_key) {
        out.error = frame_error::unsupported_version;
        return out;
    }
    int16_t header_version = out.api_version > out.api->schema_max_version
                                 ? 2 // newer ApiVersions: flexible, as every v3+ is
                                 : request_header_version(*out.api, out.api_version);
    reader r(frame);
    out.header.read(r, header_version);
    if (r.failed()) {
        out.error = frame_error::malformed_header;
        return out;
    }
    out.body = byte_view(r.position(), r.remaining());
    if (!out.api->supports(out.api_version)) out.error = frame_error::unsupported_version;
    return out;
}

} // namespace sluice::protocol
