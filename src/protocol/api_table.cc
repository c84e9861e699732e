#include "protocol/api_table.h"

#include <algorithm>

namespace sluice::protocol {

const api_info* find_api(int16_t key) noexcept {
    auto apis = all_apis();
    auto it = std::lower_bound(apis.begin(), apis.end(), key,
                               [](const api_info& a, int16_t k) { return a.key < k; });
    return it != apis.end() && it->key == key ? &*it : nullptr;
}

int16_t request_header_version(const api_info& api, int16_t version) noexcept {
    return api.request_is_flexible(version) ? 2 : 1;
}

int16_t response_header_version(const api_info& api, int16_t version) noexcept {
    if (api.key == api_versions_key) return 0;
    return api.response_is_flexible(version) ? 1 : 0;
}

} // namespace sluice::protocol
