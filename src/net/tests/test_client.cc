#include "net/tests/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::net::testing {

test_client::test_client(uint16_t port) {
    _fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
    int one = 1;
    if (_fd >= 0) ::setsockopt(_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

test_client::~test_client() { close(); }

void test_client::close() {
    if (_fd >= 0) ::close(_fd);
    _fd = -1;
}

void test_client::send_raw(std::string_view bytes) {
    while (!bytes.empty() && _fd >= 0) {
        ssize_t n = ::send(_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
}

void test_client::send_frame(std::string_view payload) {
    uint32_t size = htonl(static_cast<uint32_t>(payload.size()));
    std::string frame(reinterpret_cast<const char*>(&size), 4);
    frame.append(payload);
    send_raw(frame);
}

bool test_client::read_exact(char* out, size_t n, std::chrono::steady_clock::time_point deadline) {
    while (n > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || _fd < 0) return false;
        pollfd p{_fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        ssize_t r = ::recv(_fd, out, n, 0);
        if (r <= 0) {
            _eof = true;
            return false;
        }
        out += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

std::optional<std::string> test_client::read_frame(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    uint32_t size = 0;
    if (!read_exact(reinterpret_cast<char*>(&size), 4, deadline)) return std::nullopt;
    std::string payload(ntohl(size), '\0');
    if (!read_exact(payload.data(), payload.size(), deadline)) return std::nullopt;
    return payload;
}

bool test_client::closed_by_server(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (!_eof && _fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{_fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        ssize_t r = ::recv(_fd, buf, sizeof buf, 0);
        if (r <= 0) _eof = true; // 0: end of stream; <0: reset
    }
    return _eof;
}

} // namespace sluice::net::testing
