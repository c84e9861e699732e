#include "cli/protocol_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace sluice::cli {

namespace {

// Milliseconds left until `deadline` for poll(): 0 once it has passed, rounded up otherwise so
// that a wait never ends just before the deadline and reports a timeout too early.
int remaining_ms(protocol_deadline deadline) {
    const auto left = deadline - protocol_clock::now();
    if (left <= protocol_clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<int64_t>(ms, 1'000'000'000));
}

// Waits for `events` on `fd` until the deadline: true when ready, false at the deadline.
// Restarts after a signal.
result<bool> wait_for(int fd, short events, protocol_deadline deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return failure{std::string("poll: ") + std::strerror(errno)};
    }
}

std::string host_port(const std::string& host, int32_t port) {
    const bool ipv6_literal = host.find(':') != std::string::npos;
    return (ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

struct addrinfo_deleter {
    void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};

// One non-blocking connect to `address`, bounded by the deadline: the connected socket, or why
// not.
result<int> connect_one(const addrinfo& address, protocol_deadline deadline) {
    const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol);
    if (fd < 0) return failure{std::string("socket: ") + std::strerror(errno)};
    auto give_up = [fd](std::string why) {
        ::close(fd);
        return failure{std::move(why)};
    };
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
        if (errno != EINPROGRESS) return give_up(std::strerror(errno));
        auto ready = wait_for(fd, POLLOUT, deadline);
        if (!ready) return give_up(ready.error());
        if (!*ready) return give_up("timed out");
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return give_up(std::strerror(errno));
        if (error != 0) return give_up(std::strerror(error));
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on); // requests are single small writes
    return fd;
}

} // namespace

std::string api_display_name(int16_t api_key) {
    const protocol::api_info* api = protocol::find_api(api_key);
    if (api == nullptr) return "API " + std::to_string(api_key);
    std::string out;
    bool word_start = true;
    for (const char* c = api->name; *c != '\0'; ++c) {
        if (*c == '_') {
            word_start = true;
            continue;
        }
        out.push_back(word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(*c))) : *c);
        word_start = false;
    }
    return out;
}

result<byte_view> response_body(byte_view payload, int16_t response_header_version, int32_t correlation_id) {
    protocol::reader in(payload);
    protocol::msg::response_header header;
    header.read(in, response_header_version);
    if (in.failed()) return failure{"truncated response header"};
    if (header.correlation_id != correlation_id)
        return failure{"answer carries correlation id " + std::to_string(header.correlation_id) + ", expected " +
                       std::to_string(correlation_id)};
    return byte_view(in.position(), in.remaining());
}

result<broker_connection> broker_connection::connect(const std::string& host, int32_t port,
                                                     protocol_deadline deadline) {
    const std::string peer = host_port(host, port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    // getaddrinfo cannot be bounded by the deadline; the resolver's own timeouts apply.
    const int resolved = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (resolved != 0)
        return failure{peer + ": cannot resolve " + host + ": " +
                       (resolved == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(resolved))};
    const std::unique_ptr<addrinfo, addrinfo_deleter> addresses(found);
    std::string why = "no address";
    for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
        if (protocol_clock::now() >= deadline) {
            why = "timed out";
            break;
        }
        auto fd = connect_one(*a, deadline);
        if (fd) return broker_connection(*fd, peer);
        why = fd.error();
    }
    return failure{peer + ": cannot connect: " + why};
}

broker_connection::broker_connection(int fd, std::string peer) : _fd(fd), _peer(std::move(peer)) {
    const int flags = ::fcntl(_fd, F_GETFL, 0);
    if (flags >= 0) ::fcntl(_fd, F_SETFL, flags | O_NONBLOCK);
}

broker_connection::~broker_connection() { close(); }

broker_connection::broker_connection(broker_connection&& other) noexcept
    : _fd(std::exchange(other._fd, -1)), _peer(std::move(other._peer)),
      _next_correlation_id(other._next_correlation_id) {}

broker_connection& broker_connection::operator=(broker_connection&& other) noexcept {
    if (this != &other) {
        close();
        _fd = std::exchange(other._fd, -1);
        _peer = std::move(other._peer);
        _next_correlation_id = other._next_correlation_id;
    }
    return *this;
}

void broker_connection::close() noexcept {
    if (_fd >= 0) ::close(_fd);
    _fd = -1;
}

std::string broker_connection::close_with(const std::string& message) {
    close();
    return _peer + ": " + message;
}

result<byte_buffer> broker_connection::exchange(const byte_buffer& frame, int16_t api_key,
                                                protocol_deadline deadline) {
    const std::string what = api_display_name(api_key);
    if (_fd < 0) return failure{_peer + ": connection closed after an earlier failure"};
    if (auto sent = send_all(frame, deadline); !sent) return failure{close_with("sending " + what + ": " + sent.error())};
    uint8_t size_bytes[sizeof(int32_t)];
    if (auto got = receive_exactly(size_bytes, sizeof size_bytes, deadline); !got)
        return failure{close_with("waiting for the " + what + " response: " + got.error())};
    const int32_t size = be::load<int32_t>(size_bytes);
    // At least a correlation id; at most what any client accepts.
    if (size < static_cast<int32_t>(sizeof(int32_t)) || size > response_bytes_max)
        return failure{close_with(what + " response of " + std::to_string(size) + " bytes (at most " +
                                  std::to_string(response_bytes_max) + ")")};
    byte_buffer payload(static_cast<size_t>(size));
    if (auto got = receive_exactly(payload.data(), payload.size(), deadline); !got)
        return failure{close_with("reading the " + what + " response: " + got.error())};
    return payload;
}

result<bool> broker_connection::send_all(byte_view bytes, protocol_deadline deadline) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return failure{std::strerror(errno)};
        auto ready = wait_for(_fd, POLLOUT, deadline);
        if (!ready) return failure{ready.error()};
        if (!*ready) return failure{"timed out"};
    }
    return true;
}

result<bool> broker_connection::receive_exactly(uint8_t* into, size_t size, protocol_deadline deadline) {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::recv(_fd, into + done, size - done, 0);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n == 0) return failure{"connection closed by the broker"};
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return failure{std::strerror(errno)};
        auto ready = wait_for(_fd, POLLIN, deadline);
        if (!ready) return failure{ready.error()};
        if (!*ready) return failure{"timed out"};
    }
    return true;
}

} // namespace sluice::cli
