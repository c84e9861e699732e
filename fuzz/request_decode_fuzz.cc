// Fuzzes request decoding as the broker does it: frame -> header -> body, for every API and
// version. Whatever decodes must re-encode to bytes that decode to the same message and
// re-encode identically (the encoder's output is canonical).
#include <cstdint>
#include <cstdlib>

#include "protocol/registry.h"
#include "protocol/request_frame.h"

using namespace sluice;
using namespace sluice::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    request_frame f = parse_request_frame(byte_view(data, size));
    if (f.api == nullptr || f.api_version < f.api->schema_min_version ||
        f.api_version > f.api->schema_max_version || f.error == frame_error::malformed_header) {
        return 0;
    }
    for (message_role role : {message_role::request, message_role::response}) {
        auto once = reencode_message(f.api_key, role, f.api_version, f.body);
        if (!once) continue;
        auto twice = reencode_message(f.api_key, role, f.api_version, *once);
        if (!twice || *twice != *once) std::abort();
    }
    return 0;
}
