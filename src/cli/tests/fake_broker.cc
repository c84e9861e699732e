#include "cli/tests/fake_broker.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "base/assert.h"
#include "base/endian.h"

namespace sluice::cli::testing {

namespace {

bool read_exactly(int fd, uint8_t* into, size_t size) {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::recv(fd, into + done, size - done, 0);
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

bool write_all(int fd, const byte_buffer& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

} // namespace

fake_broker::fake_broker(handler serve) : _serve(std::move(serve)) {
    _listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    SLUICE_ASSERT(_listener >= 0, "fake_broker: socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SLUICE_ASSERT(::bind(_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "fake_broker: bind");
    SLUICE_ASSERT(::listen(_listener, 16) == 0, "fake_broker: listen");
    socklen_t length = sizeof address;
    ::getsockname(_listener, reinterpret_cast<sockaddr*>(&address), &length);
    _port = ntohs(address.sin_port);
    SLUICE_ASSERT(::pipe(_stop) == 0, "fake_broker: pipe");
    _thread = std::thread([this] { run(); });
}

fake_broker::~fake_broker() {
    const char stop = 's';
    [[maybe_unused]] const ssize_t n = ::write(_stop[1], &stop, 1);
    _thread.join();
    ::close(_stop[0]);
    ::close(_stop[1]);
    ::close(_listener);
}

void fake_broker::run() {
    std::vector<int> connections;
    for (;;) {
        std::vector<pollfd> watched = {{_stop[0], POLLIN, 0}, {_listener, POLLIN, 0}};
        for (const int fd : connections) watched.push_back({fd, POLLIN, 0});
        if (::poll(watched.data(), watched.size(), -1) < 0) continue;
        if (watched[0].revents != 0) break;
        if (watched[1].revents != 0) {
            const int fd = ::accept4(_listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) connections.push_back(fd);
        }
        for (size_t i = 2; i < watched.size(); ++i) {
            if (watched[i].revents == 0) continue;
            const int fd = watched[i].fd;
            uint8_t size_bytes[4];
            std::optional<byte_buffer> response;
            if (read_exactly(fd, size_bytes, sizeof size_bytes)) {
                byte_buffer frame(static_cast<size_t>(be::load<int32_t>(size_bytes)));
                if (read_exactly(fd, frame.data(), frame.size())) response = _serve(protocol::parse_request_frame(frame));
            }
            if (response) {
                byte_buffer out(4);
                be::store<int32_t>(out.data(), static_cast<int32_t>(response->size()));
                out.insert(out.end(), response->begin(), response->end());
                if (write_all(fd, out)) continue;
            }
            ::close(fd);
            std::erase(connections, fd);
        }
    }
    for (const int fd : connections) ::close(fd);
}

} // namespace sluice::cli::testing
