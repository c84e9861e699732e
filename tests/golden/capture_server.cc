#include "golden/capture_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <list>
#include <stdexcept>
#include <string>

#include "base/endian.h"
#include "protocol/generated/header_response_header.h"

namespace sluice::golden {

namespace {

using clock = std::chrono::steady_clock;

// Larger than anything a test client sends; a bigger size prefix means a framing bug.
constexpr size_t frame_bytes_max = 16 << 20;
constexpr size_t size_prefix_bytes = 4;

[[noreturn]] void fail_errno(const char* what) {
    throw std::runtime_error(std::string("capture_server: ") + what + ": " + std::strerror(errno));
}

void set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail_errno("fcntl");
}

} // namespace

struct capture_server::connection {
    struct pending {
        clock::time_point ready_at;
        protocol::bytes_value bytes; // size prefix, header and body
    };
    int fd = -1;
    int id = 0;
    protocol::bytes_value inbox;
    std::deque<pending> outbox; // responses in request order (Kafka answers in order)
    size_t written = 0;         // bytes of outbox.front() already sent
    bool closing = false;       // close once the outbox is empty

    bool wants_write(clock::time_point now) const { return !outbox.empty() && outbox.front().ready_at <= now; }
};

capture_server::capture_server(std::chrono::milliseconds lifetime) : _lifetime(lifetime) {
    _listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (_listen_fd < 0) fail_errno("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; // ephemeral: tests may run in parallel
    if (bind(_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) fail_errno("bind");
    if (listen(_listen_fd, 16) < 0) fail_errno("listen");
    socklen_t len = sizeof addr;
    if (getsockname(_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) fail_errno("getsockname");
    _port = ntohs(addr.sin_port);
    set_nonblocking(_listen_fd);
    _wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (_wake_fd < 0) fail_errno("eventfd");
}

capture_server::~capture_server() {
    stop();
    close(_wake_fd);
    close(_listen_fd);
}

void capture_server::stop() {
    if (!_thread.joinable()) return;
    _stopping = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(_wake_fd, &one, sizeof one);
    _thread.join();
}

bool capture_server::wait_until_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(_mutex);
    _idle_wanted = true;
    _idle = false;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(_wake_fd, &one, sizeof one);
    return _idle_changed.wait_for(lock, timeout, [this] { return _idle; });
}

void capture_server::start(request_handler& handler) {
    _thread = std::thread([this, &handler] { run(handler); });
}

std::vector<captured_request> capture_server::captured() const {
    std::lock_guard lock(_mutex);
    return _captured;
}

void capture_server::record(captured_request request) {
    std::lock_guard lock(_mutex);
    _captured.push_back(std::move(request));
}

void capture_server::serve_frame(connection& conn, byte_view frame, request_handler& handler) {
    captured_request request;
    request.connection = conn.id;
    if (frame.size() < 4) { // not even api key and version
        request.body.assign(frame.begin(), frame.end());
        record(std::move(request));
        conn.closing = true;
        return;
    }
    request.api_key = be::load<int16_t>(frame.data());
    request.api_version = be::load<int16_t>(frame.data() + 2);
    const protocol::api_info* api = protocol::find_api(request.api_key);
    request.header_version = api ? protocol::request_header_version(*api, request.api_version) : 1;
    protocol::reader r(frame);
    request.header.read(r, request.header_version);
    request.header_decoded = !r.failed();
    const size_t header_bytes = request.header_decoded ? frame.size() - r.remaining() : 0;
    request.header_bytes.assign(frame.begin(), frame.begin() + header_bytes);
    request.body.assign(frame.begin() + header_bytes, frame.end());
    if (!request.header_decoded || api == nullptr) {
        record(std::move(request));
        conn.closing = true; // as Kafka does for a request it cannot parse
        return;
    }

    const inbound_request inbound{api, request.api_version, request.header, request.body};
    const int32_t correlation_id = request.header.correlation_id;
    const int16_t api_version = request.api_version;
    record(request); // before answering: a client that has its answers has been captured
    handler_reply reply = handler.handle(inbound);
    if (reply.action == handler_reply::kind::close_connection) { conn.closing = true; return; }
    if (reply.action == handler_reply::kind::no_response) return;

    protocol::msg::response_header header;
    header.correlation_id = correlation_id;
    protocol::bytes_value header_bytes_out = header.encode(protocol::response_header_version(*api, api_version));
    protocol::bytes_value out(size_prefix_bytes);
    be::store<int32_t>(out.data(), static_cast<int32_t>(header_bytes_out.size() + reply.body.size()));
    out.insert(out.end(), header_bytes_out.begin(), header_bytes_out.end());
    out.insert(out.end(), reply.body.begin(), reply.body.end());
    conn.outbox.push_back({clock::now() + reply.delay, std::move(out)});
}

namespace {

// Reads what the socket has; false when the peer closed or the socket failed.
bool read_available(int fd, protocol::bytes_value& inbox) {
    uint8_t buf[64 << 10];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) { inbox.insert(inbox.end(), buf, buf + n); continue; }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
}

} // namespace

bool capture_server::read_and_serve(connection& conn, request_handler& handler) {
    const bool alive = read_available(conn.fd, conn.inbox);
    // Serve every whole frame, also those that came just before the peer closed.
    size_t at = 0;
    while (!conn.closing && conn.inbox.size() - at >= size_prefix_bytes) {
        const int32_t size = be::load<int32_t>(conn.inbox.data() + at);
        if (size < 0 || static_cast<size_t>(size) > frame_bytes_max) { conn.closing = true; break; }
        if (conn.inbox.size() - at - size_prefix_bytes < static_cast<size_t>(size)) break;
        serve_frame(conn, byte_view(conn.inbox).subspan(at + size_prefix_bytes, size), handler);
        at += size_prefix_bytes + size;
    }
    conn.inbox.erase(conn.inbox.begin(), conn.inbox.begin() + at);
    return alive;
}

namespace {

// Sends the responses that are due, in order; false when the socket failed.
template <typename Connection>
bool write_due(Connection& conn) {
    while (conn.wants_write(clock::now())) {
        const protocol::bytes_value& out = conn.outbox.front().bytes;
        ssize_t n = send(conn.fd, out.data() + conn.written, out.size() - conn.written, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        conn.written += n;
        if (conn.written < out.size()) return true; // the socket is full: wait for POLLOUT
        conn.outbox.pop_front();
        conn.written = 0;
    }
    return true;
}

} // namespace

void capture_server::run(request_handler& handler) {
    const clock::time_point end = clock::now() + _lifetime;
    std::list<connection> connections;
    int next_id = 0;
    for (clock::time_point now = clock::now(); now < end; now = clock::now()) {
        // Sleep until input, or until the first held-back response is due.
        clock::time_point wake = end;
        std::vector<pollfd> fds{{_wake_fd, POLLIN, 0}, {_listen_fd, POLLIN, 0}};
        for (connection& c : connections) {
            short events = c.closing ? 0 : POLLIN;
            if (c.wants_write(now)) events |= POLLOUT;
            else if (!c.outbox.empty()) wake = std::min(wake, c.outbox.front().ready_at);
            fds.push_back({c.fd, events, 0});
        }
        const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
        if (poll(fds.data(), fds.size(), static_cast<int>(wait_ms)) < 0 && errno != EINTR) break;
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] ssize_t n = read(_wake_fd, &count, sizeof count);
            if (_stopping) break;
        }
        size_t i = 2;
        for (auto it = connections.begin(); it != connections.end(); ++i) {
            connection& c = *it;
            const short revents = fds[i].revents;
            bool alive = !(revents & (POLLERR | POLLNVAL)) && !(c.closing && (revents & POLLHUP));
            if (alive && !c.closing && (revents & (POLLIN | POLLHUP))) alive = read_and_serve(c, handler);
            alive = alive && write_due(c);
            if (alive && !(c.closing && c.outbox.empty())) { ++it; continue; }
            close(c.fd);
            it = connections.erase(it);
        }
        // After the connections loop: fds[] has no entry for the new ones yet.
        if (fds[1].revents & POLLIN) {
            for (int fd; (fd = accept4(_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                connection& c = connections.emplace_back();
                c.fd = fd;
                c.id = next_id++;
            }
        }
        // Idle: no connection left, and none waiting to be accepted when poll() looked.
        if (connections.empty() && !(fds[1].revents & POLLIN)) {
            std::lock_guard lock(_mutex);
            if (_idle_wanted) {
                _idle_wanted = false;
                _idle = true;
                _idle_changed.notify_all();
            }
        }
    }
    for (connection& c : connections) close(c.fd);
}

} // namespace sluice::golden
