#pragma once
// fake_broker: a Kafka broker stand-in on a loopback port for the protocol client's tests.
// One thread accepts connections and serves them all (the client keeps its bootstrap
// connection open while it talks to another broker); every request frame is handed to the
// handler, whose answer (response header and body, see `answer`) is sent back. The handler runs
// on the broker's thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "base/bytes.h"
#include "protocol/api_table.h"
#include "protocol/generated/header_response_header.h"
#include "protocol/request_frame.h"

namespace sluice::cli::testing {

class fake_broker {
public:
    // nullopt: close the connection without answering.
    using handler = std::function<std::optional<byte_buffer>(const protocol::request_frame&)>;

    explicit fake_broker(handler serve);
    ~fake_broker();
    fake_broker(const fake_broker&) = delete;
    fake_broker& operator=(const fake_broker&) = delete;

    uint16_t port() const noexcept { return _port; }
    std::string address() const { return "127.0.0.1:" + std::to_string(_port); }

private:
    void run();

    handler _serve;
    int _listener = -1;
    int _stop[2] = {-1, -1}; // a pipe: written to stop run()
    uint16_t _port = 0;
    std::thread _thread;
};

// The payload answering `request` with `response` at the request's version.
template <typename Response>
byte_buffer answer(const protocol::request_frame& request, const Response& response) {
    protocol::msg::response_header header;
    header.correlation_id = request.correlation_id;
    byte_buffer out = header.encode(protocol::response_header_version(*request.api, request.api_version));
    const byte_buffer body = response.encode(request.api_version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

} // namespace sluice::cli::testing
