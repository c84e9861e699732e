#pragma once
// capture_server: a loopback TCP server for golden tests. It accepts Kafka clients on
// 127.0.0.1:<ephemeral port>, splits the byte stream into size-prefixed frames, decodes each
// request header (v1 or v2, as the API table says for that API and version), records the
// request and asks a request_handler (the scripted fake broker) for the answer, which it
// sends behind the right response header (v0 for ApiVersions, KIP-511).
//
// Threads: one server thread runs every connection (poll loop), so the handler is called on
// that thread only and needs no locking. The test thread reads the capture log through
// captured() and wait_until_idle(), which take a lock. Lifetime: the thread starts in start() and ends
// in stop() (or the destructor), or by itself once `lifetime` has passed, so a stuck client
// cannot hold a test forever. The handler must stay alive until stop() returns.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "protocol/api_table.h"
#include "protocol/generated/header_request_header.h"
#include "protocol/wire.h"

namespace sluice::golden {

struct captured_request {
    int connection = 0; // numbered in accept order, from 0
    int16_t api_key = 0;
    int16_t api_version = 0;
    int16_t header_version = 0;
    bool header_decoded = false;
    protocol::msg::request_header header;
    protocol::bytes_value header_bytes; // exactly the bytes the header was decoded from
    protocol::bytes_value body;         // the request after its header
};

// What the handler wants done with a request.
struct handler_reply {
    enum class kind { respond, no_response, close_connection };
    kind action = kind::respond;
    protocol::bytes_value body; // the encoded response message, without its header
    // Held back this long before it is sent (an empty Fetch waits as a broker would, instead
    // of letting the client spin). Later responses on the connection wait behind it.
    std::chrono::milliseconds delay{0};

    static handler_reply respond(protocol::bytes_value body, std::chrono::milliseconds delay = {}) {
        return {kind::respond, std::move(body), delay};
    }
    static handler_reply none() { return {kind::no_response, {}, {}}; }
    static handler_reply close() { return {kind::close_connection, {}, {}}; }
};

struct inbound_request {
    const protocol::api_info* api = nullptr; // nullptr: an API key Sluice does not define
    int16_t api_version = 0;
    const protocol::msg::request_header& header;
    byte_view body;
};

class request_handler {
public:
    virtual ~request_handler() = default;
    // Called on the server thread only.
    virtual handler_reply handle(const inbound_request& request) = 0;
};

class capture_server {
public:
    // Binds and listens at once, so port() is known before any client is started.
    explicit capture_server(std::chrono::milliseconds lifetime = std::chrono::seconds(30));
    ~capture_server();
    capture_server(const capture_server&) = delete;
    capture_server& operator=(const capture_server&) = delete;

    uint16_t port() const noexcept { return _port; }
    void start(request_handler& handler);
    // Closes every connection and joins the server thread; idempotent.
    void stop();

    // A copy of every request received so far, in arrival order.
    std::vector<captured_request> captured() const;
    // Waits until every connection has been accepted, read to its end and closed: after the
    // clients have exited, everything they sent is then captured (a client may exit right
    // after a request it does not wait for, like LeaveGroup). False on timeout.
    bool wait_until_idle(std::chrono::milliseconds timeout);

private:
    struct connection;
    void run(request_handler& handler);
    bool read_and_serve(connection& conn, request_handler& handler); // false: peer gone
    void serve_frame(connection& conn, byte_view frame, request_handler& handler);
    void record(captured_request request);

    int _listen_fd = -1;
    int _wake_fd = -1; // eventfd: wakes the loop to look at _stopping and _idle_wanted
    std::atomic<bool> _stopping{false};
    uint16_t _port = 0;
    std::chrono::milliseconds _lifetime;
    std::thread _thread;

    mutable std::mutex _mutex;
    std::condition_variable _idle_changed;
    std::vector<captured_request> _captured; // guarded by _mutex
    bool _idle_wanted = false;               // guarded by _mutex
    bool _idle = false;                      // guarded by _mutex
};

} // namespace sluice::golden
