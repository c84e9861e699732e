#pragma once
// A blocking loopback client for the net tests: connect, send raw bytes or size-prefixed
// frames, read frames with a deadline, and tell whether the server closed the connection.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::net::testing {

class test_client {
public:
    explicit test_client(uint16_t port);
    ~test_client();
    test_client(const test_client&) = delete;
    test_client& operator=(const test_client&) = delete;

    bool connected() const noexcept { return _fd >= 0; }
    void send_raw(std::string_view bytes);
    void send_frame(std::string_view payload); // 4-byte big-endian size, then the payload
    // The next frame's payload; nullopt when the connection closed or the deadline passed.
    std::optional<std::string> read_frame(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // True when the server closes the connection (end of stream or reset) before the deadline.
    bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    void close();

private:
    bool read_exact(char* out, size_t n, std::chrono::steady_clock::time_point deadline);
    int _fd = -1;
    bool _eof = false;
};

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(5));

} // namespace sluice::net::testing

#include <thread>
template <typename F>
bool sluice::net::testing::eventually(F condition, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return condition();
}
