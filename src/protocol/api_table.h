#pragma once
// The API table: for every Kafka API key Sluice knows, the versions its definitions cover,
// the versions it advertises in ApiVersions (Kafka 4.0's, see schemas/api_versions.txt) and
// the first flexible version. Generated from schemas/ into registry.cc.
#include <cstdint>
#include <span>

namespace sluice::protocol {

struct api_info {
    int16_t key;
    const char* name;            // snake_case, e.g. "produce"
    int16_t schema_min_version;  // versions the definitions describe
    int16_t schema_max_version;
    int16_t min_version;         // versions advertised in ApiVersions
    int16_t max_version;
    int16_t first_flexible_request;   // -1: never flexible
    int16_t first_flexible_response;  // -1: never flexible
    bool advertised;             // false: defined but not offered (unstable / not in Kafka 4.0)

    bool supports(int16_t v) const noexcept { return advertised && v >= min_version && v <= max_version; }
    bool request_is_flexible(int16_t v) const noexcept { return first_flexible_request >= 0 && v >= first_flexible_request; }
    bool response_is_flexible(int16_t v) const noexcept { return first_flexible_response >= 0 && v >= first_flexible_response; }
};

// Every API, sorted by key.
std::span<const api_info> all_apis() noexcept;
// nullptr for an API key Sluice does not define.
const api_info* find_api(int16_t key) noexcept;

inline constexpr int16_t api_versions_key = 18;

// Request header v2 for flexible requests, else v1 (KIP-482).
int16_t request_header_version(const api_info& api, int16_t version) noexcept;
// Response header v1 for flexible responses, else v0; ApiVersions always uses v0 so that a
// client can parse the answer before it knows the broker's versions (KIP-511).
int16_t response_header_version(const api_info& api, int16_t version) noexcept;

} // namespace sluice::protocol
