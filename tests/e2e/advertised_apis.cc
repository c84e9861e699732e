#include "e2e/advertised_apis.h"

#include <chrono>

#include "net/tests/test_client.h"
#include "protocol/generated/all_messages.h"

namespace sluice::e2e {

namespace msg = protocol::msg;

std::set<int16_t> advertised_apis(uint16_t port) {
    net::testing::test_client client(port);
    if (!client.connected()) return {};
    msg::request_header header;
    header.request_api_key = msg::api_versions_request::api_key;
    header.request_api_version = 3;
    header.correlation_id = 1;
    header.client_id = "e2e";
    msg::api_versions_request request;
    request.client_software_name = "sluice-e2e";
    request.client_software_version = "1.0";
    auto frame = header.encode(2);
    auto body = request.encode(3);
    frame.insert(frame.end(), body.begin(), body.end());
    client.send_frame(std::string(frame.begin(), frame.end()));
    auto answer = client.read_frame(std::chrono::seconds(10));
    if (!answer) return {};
    protocol::reader reader(as_bytes(*answer));
    msg::response_header response_header;
    response_header.read(reader, 0);
    msg::api_versions_response response;
    if (!response.decode(byte_view(reader.position(), reader.remaining()), 3)) return {};
    std::set<int16_t> keys;
    for (const auto& a : response.api_keys) keys.insert(a.api_key);
    return keys;
}

std::string missing_apis(const std::set<int16_t>& advertised, const std::vector<api>& needed) {
    std::string out;
    for (const api& a : needed)
        if (!advertised.contains(a.key)) out += (out.empty() ? "" : ", ") + std::string(a.name);
    return out;
}

} // namespace sluice::e2e
