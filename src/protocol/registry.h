#pragma once
// Decoding any generated message by API key and version, for tools, golden tests and fuzzing.
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "protocol/wire.h"

namespace sluice::protocol {

enum class message_role { request, response };

// Decodes `body` (the message after its header) as the request or response of `api_key` at
// `version`. False when the key or version is unknown or the bytes are malformed. On success,
// fills `json` (if given) with the message rendered as JSON and `reencodes_identically` (if
// given) with whether encoding the decoded message reproduces `body` byte for byte.
bool decode_message(int16_t api_key, message_role role, int16_t version, byte_view body,
                    std::string* json, bool* reencodes_identically);

// Decodes `body` as above and encodes the result again; nullopt when it does not decode.
std::optional<bytes_value> reencode_message(int16_t api_key, message_role role, int16_t version,
                                            byte_view body);

} // namespace sluice::protocol
