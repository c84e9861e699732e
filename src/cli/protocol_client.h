#pragma once
// protocol_client: a small blocking Kafka protocol client, for what librdkafka 2.0.2 has no
// admin call for (ListTransactions, DescribeTransactions: `sluice txn`). Plaintext TCP, one
// request in flight per connection, every wait bounded by the caller's deadline.
//
// - encode_request / decode_response: the bytes of a request and of its answer with the
//   generated messages (protocol/generated), header versions from the API table; pure.
// - broker_connection: one socket. connect() resolves the name (getaddrinfo) and tries each
//   address with a non-blocking connect bounded by the deadline; call() sends a size-prefixed
//   frame and reads the answer until the deadline, checking its correlation id. Any failure
//   closes the connection: after a timeout or a stray answer the byte stream is no longer known
//   to be at a frame boundary, so nothing more is read from it.
//
// Threads: a connection belongs to the one thread that uses it.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/assert.h"
#include "base/bytes.h"
#include "base/endian.h"
#include "cli/result.h"
#include "protocol/api_table.h"
#include "protocol/generated/header_request_header.h"
#include "protocol/generated/header_response_header.h"
#include "protocol/wire.h"

namespace sluice::cli {

using protocol_clock = std::chrono::steady_clock;
using protocol_deadline = protocol_clock::time_point;

// The client id of every request (Kafka's request header; brokers log it).
inline constexpr std::string_view protocol_client_id = "sluice-cli";
// An answer larger than this is refused before it is read: librdkafka's default
// receive.message.max.bytes (100 MB), the most any Kafka client accepts by default.
inline constexpr int32_t response_bytes_max = 100'000'000;

// "ListTransactions" for "list_transactions": the API's name in Kafka's spelling, for messages.
std::string api_display_name(int16_t api_key);

// The size-prefixed frame of `request` at `version`: size, request header (v1, or v2 for a
// flexible version, KIP-482), body. `version` must be one the schema describes.
template <typename Request>
byte_buffer encode_request(const Request& request, int16_t version, int32_t correlation_id) {
    const protocol::api_info* api = protocol::find_api(Request::api_key);
    SLUICE_ASSERT(api != nullptr && version >= Request::min_version && version <= Request::max_version,
                  "encode_request: a version the schema does not describe");
    protocol::msg::request_header header;
    header.request_api_key = Request::api_key;
    header.request_api_version = version;
    header.correlation_id = correlation_id;
    header.client_id = std::string(protocol_client_id);
    byte_buffer frame(sizeof(int32_t)); // the size, filled in once known
    protocol::writer out(frame);
    header.write(out, protocol::request_header_version(*api, version));
    request.write(out, version);
    be::store<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - sizeof(int32_t)));
    return frame;
}

// Where an answer's body starts, after its response header, once the correlation id is the
// expected one. `response_header_version` as the API table gives it.
result<byte_view> response_body(byte_view payload, int16_t response_header_version, int32_t correlation_id);

// Decodes the answer `payload` (a frame without its size prefix) to a request sent at
// `version` with `correlation_id`.
template <typename Response>
result<Response> decode_response(byte_view payload, int16_t version, int32_t correlation_id) {
    const protocol::api_info* api = protocol::find_api(Response::api_key);
    SLUICE_ASSERT(api != nullptr, "decode_response: an API the table does not know");
    auto body = response_body(payload, protocol::response_header_version(*api, version), correlation_id);
    if (!body) return failure{body.error()};
    Response response;
    if (!response.decode(*body, version))
        return failure{"malformed " + api_display_name(Response::api_key) + " v" + std::to_string(version) + " response"};
    return response;
}

class broker_connection {
public:
    // Resolves `host` and connects to the first of its addresses that accepts before the
    // deadline. The failure names host:port and why (no such host, refused, timed out).
    static result<broker_connection> connect(const std::string& host, int32_t port, protocol_deadline deadline);

    // Takes ownership of the connected socket `fd` (tests: one end of a socketpair); `peer`
    // names it in messages. The socket is made non-blocking.
    broker_connection(int fd, std::string peer);
    ~broker_connection();
    broker_connection(broker_connection&& other) noexcept;
    broker_connection& operator=(broker_connection&& other) noexcept;
    broker_connection(const broker_connection&) = delete;
    broker_connection& operator=(const broker_connection&) = delete;

    const std::string& peer() const noexcept { return _peer; }
    bool is_open() const noexcept { return _fd >= 0; }

    // Sends `request` at `version` and decodes its answer; waits at most until `deadline`.
    template <typename Response, typename Request>
    result<Response> call(const Request& request, int16_t version, protocol_deadline deadline) {
        const int32_t correlation_id = _next_correlation_id++;
        auto payload = exchange(encode_request(request, version, correlation_id), Request::api_key, deadline);
        if (!payload) return failure{payload.error()};
        auto response = decode_response<Response>(*payload, version, correlation_id);
        if (!response) return failure{close_with(response.error())};
        return response;
    }

    // The lower half of call(): sends `frame` (size-prefixed) and returns the answer's payload
    // (without its size prefix; header and body), unchecked. For ApiVersions, whose answer
    // may come at a different version than asked (KIP-511).
    result<byte_buffer> exchange(const byte_buffer& frame, int16_t api_key, protocol_deadline deadline);
    int32_t next_correlation_id() noexcept { return _next_correlation_id++; }
    // Closes the socket (an answer exchange() returned could not be used); later calls fail.
    void close() noexcept;

private:
    result<bool> send_all(byte_view bytes, protocol_deadline deadline);
    result<bool> receive_exactly(uint8_t* into, size_t size, protocol_deadline deadline);
    // Closes the socket; returns "<peer>: <message>" for the failure.
    std::string close_with(const std::string& message);

    int _fd = -1;
    std::string _peer;
    int32_t _next_correlation_id = 1;
};

} // namespace sluice::cli
