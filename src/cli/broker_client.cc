#include "cli/broker_client.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <thread>

#include "protocol/generated/api_003_metadata.h"
#include "protocol/generated/api_018_api_versions.h"

namespace sluice::cli {

namespace msg = protocol::msg;

namespace {

// ApiVersions v3 carries the client's software name and version (KIP-511); brokers before
// Kafka 2.4 answer it with UNSUPPORTED_VERSION and their own range.
constexpr int16_t api_versions_first_choice = 3;
// Kafka's default port, for a bootstrap entry without one (as librdkafka).
constexpr int32_t default_port = 9092;

// At most two exchanges: the first choice, then the version the broker named.
result<api_version_ranges> ask_api_versions(broker_connection& connection, protocol_deadline deadline) {
    int16_t version = api_versions_first_choice;
    for (int attempt = 0; attempt < 2; ++attempt) {
        msg::api_versions_request request;
        request.client_software_name = "sluice-cli";
        request.client_software_version = SLUICE_VERSION;
        const int32_t correlation_id = connection.next_correlation_id();
        auto payload = connection.exchange(encode_request(request, version, correlation_id),
                                           protocol::api_versions_key, deadline);
        if (!payload) return failure{payload.error()};
        auto answer = decode_api_versions(*payload, version, correlation_id);
        if (!answer) {
            connection.close();
            return failure{connection.peer() + ": " + answer.error()};
        }
        if (!answer->retry_version) return std::move(answer->ranges);
        version = *answer->retry_version;
    }
    connection.close();
    return failure{connection.peer() + ": ApiVersions: the broker refused every version asked"};
}

} // namespace

std::optional<int16_t> choose_version(const api_version_ranges& broker, int16_t api_key, int16_t lowest,
                                      int16_t highest) {
    const protocol::api_info* ours = protocol::find_api(api_key);
    const auto theirs = broker.find(api_key);
    if (ours == nullptr || theirs == broker.end()) return std::nullopt;
    const int16_t low = std::max({lowest, ours->schema_min_version, theirs->second.min});
    const int16_t high = std::min({highest, ours->schema_max_version, theirs->second.max});
    if (low > high) return std::nullopt;
    return high;
}

result<api_versions_answer> decode_api_versions(byte_view payload, int16_t version, int32_t correlation_id) {
    // ApiVersions answers always come with response header v0 (KIP-511).
    auto body = response_body(payload, 0, correlation_id);
    if (!body) return failure{"ApiVersions: " + body.error()};
    msg::api_versions_response response;
    const bool decoded = response.decode(*body, version);
    api_versions_answer answer;
    if (decoded && response.error_code == protocol::error_code::none) {
        for (const auto& api : response.api_keys) answer.ranges[api.api_key] = {api.min_version, api.max_version};
        return answer;
    }
    // Not served at `version`: the answer is in the v0 form, naming the broker's own range.
    if (!response.decode(*body, 0)) return failure{"malformed ApiVersions v" + std::to_string(version) + " response"};
    if (response.error_code != protocol::error_code::unsupported_version)
        return failure{"ApiVersions: " + std::string(protocol::name(response.error_code))};
    const auto own = std::find_if(response.api_keys.begin(), response.api_keys.end(),
                                  [](const auto& api) { return api.api_key == protocol::api_versions_key; });
    if (own == response.api_keys.end() || own->max_version >= version || own->max_version < 0)
        return failure{"ApiVersions: UNSUPPORTED_VERSION without a version to use instead"};
    answer.retry_version = own->max_version;
    return answer;
}

result<host_port> parse_host_port(std::string_view text) {
    const auto malformed = [&] { return failure{"malformed broker address '" + std::string(text) + "'"}; };
    host_port out;
    std::string_view port;
    if (!text.empty() && text.front() == '[') { // [IPv6]:port
        const size_t close = text.find(']');
        if (close == std::string_view::npos) return malformed();
        out.host = std::string(text.substr(1, close - 1));
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return malformed();
        if (!rest.empty()) port = rest.substr(1);
    } else {
        const size_t colon = text.rfind(':');
        out.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) port = text.substr(colon + 1);
        if (out.host.find(':') != std::string::npos) return malformed(); // IPv6 needs brackets
    }
    if (out.host.empty()) return malformed();
    out.port = default_port;
    if (port.data() != nullptr) {
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), out.port);
        if (error != std::errc() || end != port.data() + port.size() || out.port < 1 || out.port > 65535)
            return malformed();
    }
    return out;
}

result<broker_client> broker_client::open(const host_port& address, protocol_deadline deadline) {
    auto connection = broker_connection::connect(address.host, address.port, deadline);
    if (!connection) return failure{connection.error()};
    auto versions = ask_api_versions(*connection, deadline);
    if (!versions) return failure{versions.error()};
    return broker_client(std::move(*connection), std::move(*versions));
}

std::optional<int16_t> broker_client::version_of(int16_t api_key, int16_t lowest) const {
    return choose_version(_versions, api_key, lowest, std::numeric_limits<int16_t>::max());
}

std::string kafka_error_text(protocol::error_code code) {
    const protocol::error_info& info = protocol::describe(code);
    if (info.code != code) return "error code " + std::to_string(static_cast<int16_t>(code));
    return std::string(info.name) + ": " + std::string(info.message);
}

bool retry_backoff::wait() {
    if (protocol_clock::now() + _next >= _deadline) return false;
    std::this_thread::sleep_for(_next);
    _next = std::min(_next * 2, std::chrono::milliseconds(1000));
    return true;
}

result<broker_client> open_bootstrap(const std::string& brokers, protocol_deadline deadline) {
    std::string problems;
    size_t start = 0;
    while (start <= brokers.size()) {
        const size_t comma = std::min(brokers.find(',', start), brokers.size());
        const std::string_view entry = std::string_view(brokers).substr(start, comma - start);
        start = comma + 1;
        if (entry.empty()) continue;
        auto address = parse_host_port(entry);
        auto client = address ? broker_client::open(*address, deadline) : result<broker_client>(failure{address.error()});
        if (client) return client;
        problems += (problems.empty() ? "" : "; ") + client.error();
    }
    if (problems.empty()) return failure{"no bootstrap broker given"};
    return failure{"no bootstrap broker answered: " + problems};
}

result<std::vector<broker_address>> cluster_brokers(broker_client& client, protocol_deadline deadline) {
    // Metadata v0 reads an empty topic list as "every topic"; v1+ as none.
    const auto version = client.version_of(msg::metadata_request::api_key, 1);
    if (!version) return failure{client.peer() + ": the broker does not serve Metadata v1 or later"};
    msg::metadata_request request;
    request.topics.emplace(); // no topics: only the brokers
    request.allow_auto_topic_creation = false;
    auto response = client.call<msg::metadata_response>(request, *version, deadline);
    if (!response) return failure{response.error()};
    std::vector<broker_address> out;
    for (const auto& b : response->brokers) out.push_back({b.node_id, b.host, b.port});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

} // namespace sluice::cli
