#pragma once
// Raw protocol requests from a test: frames built with the generated messages and sent on a
// net::testing::test_client, for what no installed client can do (DeleteRecords: neither
// Debian's confluent-kafka 1.7 nor kafka-python 2.0.2 has it) and for byte-level checks.
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "protocol/error_code.h"
#include "net/tests/test_client.h"
#include "protocol/api_table.h"
#include "protocol/generated/header_request_header.h"
#include "protocol/generated/header_response_header.h"
#include "protocol/wire.h"

namespace sluice::e2e {

// The frame payload (no size prefix) of `req` at `version` with the given request header
// version. A version beyond the schema's (a test's "future" request) gets the newest body.
template <typename Request>
std::string request_frame(const Request& req, int16_t version, int16_t header_version, int32_t correlation_id) {
    protocol::msg::request_header header;
    header.request_api_key = Request::api_key;
    header.request_api_version = version;
    header.correlation_id = correlation_id;
    header.client_id = "e2e";
    auto out = header.encode(header_version);
    auto body = req.encode(std::min<int16_t>(version, Request::max_version));
    out.insert(out.end(), body.begin(), body.end());
    return std::string(out.begin(), out.end());
}

// The same with the header version the API table gives for `version`.
template <typename Request>
std::string request_frame(const Request& req, int16_t version, int32_t correlation_id = 1) {
    const protocol::api_info* api = protocol::find_api(Request::api_key);
    return request_frame(req, version, protocol::request_header_version(*api, version), correlation_id);
}

// Sends `req` and decodes the answer as `Response` at `version`; nullopt when there is no
// answer within `timeout`, the correlation id differs or the body does not decode.
template <typename Response, typename Request>
std::optional<Response> round_trip(net::testing::test_client& client, const Request& req, int16_t version,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    static int32_t next_correlation_id = 1000;
    const int32_t correlation_id = next_correlation_id++;
    client.send_frame(request_frame(req, version, correlation_id));
    auto answer = client.read_frame(timeout);
    if (!answer) return std::nullopt;
    const protocol::api_info* api = protocol::find_api(Request::api_key);
    protocol::reader r(as_bytes(*answer));
    protocol::msg::response_header header;
    header.read(r, protocol::response_header_version(*api, version));
    Response response;
    if (header.correlation_id != correlation_id ||
        !response.decode(byte_view(r.position(), r.remaining()), version))
        return std::nullopt;
    return response;
}

// ListOffsets v7 (the first with max timestamp, KIP-734) for one partition: error, timestamp
// and offset; {unknown_server_error, -2, -2} when there was no answer.
struct listed_offset {
    protocol::error_code error = protocol::error_code::none;
    int64_t timestamp = -1;
    int64_t offset = -1;
    bool operator==(const listed_offset&) const = default;
};
void PrintTo(const listed_offset& l, std::ostream* os);
listed_offset list_offset(uint16_t port, const std::string& topic, int32_t partition, int64_t timestamp);

// CreateTopics v7 for one topic (replication factor 1), then polls ListOffsets (bounded) until
// every partition answers: the broker's shards open a new partition's log after the answer.
// The topic's error; none once it is usable.
protocol::error_code create_topic(uint16_t port, const std::string& topic, int32_t partitions);

// A record batch v2 of `count` uncompressed records, keys "k<i>", values of `value_bytes`
// bytes of `fill`, CreateTime now.
byte_buffer make_batch(int count, size_t value_bytes, char fill);

// The frame payload of a Produce v9 request: one batch per (partition, batch).
std::string produce_frame(const std::string& topic, const std::vector<std::pair<int32_t, byte_view>>& batches,
                          int16_t acks, int32_t correlation_id);

} // namespace sluice::e2e
