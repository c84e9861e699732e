#pragma once
// broker_client: a broker_connection (protocol_client.h) that asked the broker for its API
// versions (ApiVersions, KIP-511) right after connecting, so each request goes at the highest
// version both sides support. Also: the bootstrap list and the cluster's brokers (Metadata).
//
// Threads: like its connection, a client belongs to the one thread that uses it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "cli/protocol_client.h"

namespace sluice::cli {

struct version_range {
    int16_t min = 0;
    int16_t max = 0;
};
// The versions a broker serves, by API key.
using api_version_ranges = std::map<int16_t, version_range>;

// The highest version in [`lowest`, `highest`] that the broker serves (`broker`) and this
// client's schema describes; nullopt when there is none.
std::optional<int16_t> choose_version(const api_version_ranges& broker, int16_t api_key, int16_t lowest,
                                      int16_t highest);

// What an ApiVersions answer says: the broker's ranges, or (a broker that does not serve the
// version asked answers UNSUPPORTED_VERSION in the v0 form with its own ApiVersions range,
// KIP-511) the version to ask again with.
struct api_versions_answer {
    api_version_ranges ranges;
    std::optional<int16_t> retry_version;
};
// `payload` answers an ApiVersions request at `version` with `correlation_id`.
result<api_versions_answer> decode_api_versions(byte_view payload, int16_t version, int32_t correlation_id);

// "host:port", an IPv6 address as "[::1]:9092".
struct host_port {
    std::string host;
    int32_t port = 0;
};
result<host_port> parse_host_port(std::string_view text);

struct broker_address {
    model::node_id id;
    std::string host;
    int32_t port = 0;
};

class broker_client {
public:
    // Connects and asks ApiVersions, both before the deadline.
    static result<broker_client> open(const host_port& address, protocol_deadline deadline);

    const std::string& peer() const noexcept { return _connection.peer(); }
    const api_version_ranges& versions() const noexcept { return _versions; }
    // choose_version for this broker, from `lowest` up to the newest the schema describes.
    std::optional<int16_t> version_of(int16_t api_key, int16_t lowest = 0) const;

    template <typename Response, typename Request>
    result<Response> call(const Request& request, int16_t version, protocol_deadline deadline) {
        return _connection.call<Response>(request, version, deadline);
    }

private:
    broker_client(broker_connection connection, api_version_ranges versions)
        : _connection(std::move(connection)), _versions(std::move(versions)) {}

    broker_connection _connection;
    api_version_ranges _versions;
};

// "COORDINATOR_LOAD_IN_PROGRESS: The coordinator is loading ..." for a Kafka error code.
std::string kafka_error_text(protocol::error_code code);

// Waits between attempts at a request the broker answered with a retriable error (as Kafka's
// admin client retries them): 100 ms, doubling up to 1 s, never past the deadline.
class retry_backoff {
public:
    explicit retry_backoff(protocol_deadline deadline) : _deadline(deadline) {}
    // Sleeps before the next attempt; false (without sleeping) when it would end after the
    // deadline: give up and report the last error.
    bool wait();

private:
    protocol_deadline _deadline;
    std::chrono::milliseconds _next{100};
};

// The first broker of the comma-separated bootstrap list that answers, tried in order; the
// failure lists why each did not.
result<broker_client> open_bootstrap(const std::string& brokers, protocol_deadline deadline);

// The cluster's brokers (Metadata v1+ without topics), sorted by node id.
result<std::vector<broker_address>> cluster_brokers(broker_client& client, protocol_deadline deadline);

} // namespace sluice::cli
