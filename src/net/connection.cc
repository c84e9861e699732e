#include "net/connection.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "base/endian.h"
#include "base/log.h"
#include "net/completion.h"
#include "net/shard_listener.h"

namespace sluice::net {

connection::connection(asio::ip::tcp::socket socket, shard_listener& listener, uint64_t id, std::string ip)
    : _socket(std::move(socket)),
      _listener(listener),
      _ip(std::move(ip)),
      _writer_wake(_socket.get_executor()),
      _reader_wake(_socket.get_executor()),
      _budget_wake(_socket.get_executor()),
      _idle_timer(_socket.get_executor()),
      _last_activity(clock::now()) {
    _info.id = id;
    _info.shard = listener.shard();
    asio::error_code ec;
    auto peer = _socket.remote_endpoint(ec);
    _info.peer = ec ? _ip : _ip + ":" + std::to_string(peer.port());
}

void connection::start() {
    auto executor = _socket.get_executor();
    asio::co_spawn(executor, read_loop(shared_from_this()), asio::detached);
    asio::co_spawn(executor, write_loop(shared_from_this()), asio::detached);
    asio::co_spawn(executor, idle_watch(shared_from_this()), asio::detached);
}

void connection::drain() {
    if (_closed || _draining) return;
    _draining = true;
    // Wakes a read in progress (Linux returns end-of-stream after SHUT_RD) and a reader
    // waiting for budget or for the in-flight count to drop.
    asio::error_code ignored;
    _socket.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
    _reader_wake.cancel();
    _budget_wake.cancel();
    _writer_wake.cancel();
}

void connection::close() {
    if (_closed) return;
    _closed = true;
    asio::error_code ignored;
    _socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    _socket.close(ignored);
    _writer_wake.cancel();
    _reader_wake.cancel();
    _budget_wake.cancel();
    _idle_timer.cancel();
    for (const slot& s : _slots) _listener.budget().release(s.budget_units);
    _slots.clear();
    log::debug("connection {} from {} closed", _info.id, _info.peer);
    _listener.on_closed(*this);
}

asio::awaitable<void> connection::wait_for(asio::steady_timer& signal) {
    signal.expires_at(asio::steady_timer::time_point::max());
    co_await signal.async_wait(use_tuple);
}

// Reads one frame into `frame`. False: stop reading (end of stream, error, limit violated or
// draining); the frame's budget is then not held.
asio::awaitable<bool> connection::read_frame(byte_buffer& frame, size_t& budget_units) {
    std::array<uint8_t, 4> prefix{};
    auto [ec, n] = co_await asio::async_read(_socket, asio::buffer(prefix), use_tuple);
    if (ec || _closed) co_return false;
    _last_activity = clock::now();
    const int32_t size = be::load<int32_t>(prefix.data());
    // Checked before anything is allocated: a 2 GiB prefix costs us nothing (Kafka closes too).
    if (size < 0 || size > _listener.config().max_request_bytes) {
        ++_listener.stats().oversized_frames;
        log::warn("connection {} from {}: request size {} outside 0..{} (socket.request.max.bytes); closing",
                  _info.id, _info.peer, size, _listener.config().max_request_bytes);
        close();
        co_return false;
    }
    memory_budget& budget = _listener.budget();
    if (!co_await budget.acquire(static_cast<size_t>(size), _budget_wake)) co_return false;
    budget_units = budget.units_for(static_cast<size_t>(size));
    if (_closed || _draining) {
        budget.release(budget_units);
        co_return false;
    }
    frame.resize(static_cast<size_t>(size));
    auto [ec2, n2] = co_await asio::async_read(_socket, asio::buffer(frame), use_tuple);
    if (ec2 || _closed) {
        // A truncated frame: the client went away (or we are closing) mid-request.
        budget.release(budget_units);
        co_return false;
    }
    _last_activity = clock::now();
    co_return true;
}

asio::awaitable<void> connection::read_loop(std::shared_ptr<connection> self) {
    const size_t max_in_flight = self->_listener.config().max_in_flight_per_connection;
    while (!self->_closed && !self->_draining) {
        if (self->_slots.size() >= max_in_flight) {
            co_await wait_for(self->_reader_wake);
            continue;
        }
        byte_buffer frame;
        size_t units = 0;
        if (!co_await self->read_frame(frame, units)) break;
        const uint64_t sequence = self->_first_sequence + self->_slots.size();
        self->_slots.push_back(slot{false, {}, units});
        ++self->_listener.stats().requests;
        asio::co_spawn(self->_socket.get_executor(), serve_request(self, sequence, std::move(frame)),
                       asio::detached);
    }
    self->_reading_done = true;
    self->_writer_wake.cancel(); // the writer closes the connection once everything is written
}

asio::awaitable<void> connection::serve_request(std::shared_ptr<connection> self, uint64_t sequence,
                                                byte_buffer frame) {
    response answer;
    try {
        answer = co_await self->_listener.handler().handle(std::move(frame), self->_info);
    } catch (const std::exception& e) {
        log::error("connection {} from {}: request handler failed: {}; closing", self->_info.id,
                   self->_info.peer, e.what());
        answer = response::close();
    }
    if (self->_closed) co_return;
    slot& s = self->_slots[sequence - self->_first_sequence];
    s.ready = true;
    s.answer = std::move(answer);
    if (sequence == self->_first_sequence) self->_writer_wake.cancel();
}

asio::awaitable<bool> connection::write_response(const response& r) {
    uint64_t total = r.bytes.size();
    for (const file_part& f : r.files) total += f.length;
    std::array<uint8_t, 4> prefix{};
    be::store<int32_t>(prefix.data(), static_cast<int32_t>(total));
    size_t at = 0; // bytes written so far
    for (size_t i = 0; i <= r.files.size(); ++i) {
        const size_t until = i < r.files.size() ? r.files[i].position : r.bytes.size();
        std::array<asio::const_buffer, 2> buffers{asio::buffer(prefix, i == 0 ? prefix.size() : 0),
                                                  asio::buffer(r.bytes.data() + at, until - at)};
        if (asio::buffer_size(buffers) > 0) {
            auto [ec, n] = co_await asio::async_write(_socket, buffers, use_tuple);
            if (ec) co_return false;
        }
        at = until;
        if (i < r.files.size() && !co_await send_file(r.files[i])) co_return false;
    }
    co_return true;
}

// sendfile(2) from the segment file straight to the socket; waits for writability when the
// socket buffer is full.
asio::awaitable<bool> connection::send_file(const file_part& part) {
    asio::error_code ec;
    _socket.native_non_blocking(true, ec);
    if (ec) co_return false;
    off_t offset = static_cast<off_t>(part.offset);
    uint64_t left = part.length;
    while (left > 0 && !_closed) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(left, 1u << 30));
        ssize_t n = ::sendfile(_socket.native_handle(), part.fd, &offset, chunk);
        if (n > 0) {
            left -= static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            auto [wait_ec] = co_await _socket.async_wait(asio::ip::tcp::socket::wait_write, use_tuple);
            if (wait_ec) co_return false;
            continue;
        }
        // n == 0: the file ended early (it cannot have: ranges are whole batches of a file
        // held open); an error: the peer is gone. The frame cannot be completed either way.
        log::warn("connection {} from {}: sendfile failed ({}); closing", _info.id, _info.peer,
                  n == 0 ? "file shorter than expected" : std::strerror(errno));
        co_return false;
    }
    co_return !_closed;
}

asio::awaitable<void> connection::write_loop(std::shared_ptr<connection> self) {
    while (!self->_closed) {
        if (self->_slots.empty() || !self->_slots.front().ready) {
            if (self->_reading_done && self->_slots.empty()) {
                self->close();
                break;
            }
            co_await wait_for(self->_writer_wake);
            continue;
        }
        slot s = std::move(self->_slots.front());
        self->_slots.pop_front();
        ++self->_first_sequence;
        bool keep_open = true;
        if (s.answer.what == response::action::send) {
            keep_open = co_await self->write_response(s.answer);
            self->_last_activity = clock::now();
        } else if (s.answer.what == response::action::close) {
            keep_open = false;
        }
        // A popped slot is not released by close(): give its budget back here.
        self->_listener.budget().release(s.budget_units);
        if (!keep_open) {
            self->close();
            break;
        }
        self->_reader_wake.cancel();
    }
}

asio::awaitable<void> connection::idle_watch(std::shared_ptr<connection> self) {
    const auto idle = self->_listener.config().idle_timeout;
    while (!self->_closed) {
        const auto now = clock::now();
        const auto deadline = self->_last_activity + idle;
        if (self->_slots.empty() && now >= deadline) {
            ++self->_listener.stats().idle_closed;
            log::debug("connection {} from {} idle for {} ms (connections.max.idle.ms); closing",
                       self->_info.id, self->_info.peer, idle.count());
            self->close();
            break;
        }
        // Busy (requests in flight) counts as active: look again one period later.
        self->_idle_timer.expires_at(now >= deadline ? now + idle : deadline);
        co_await self->_idle_timer.async_wait(use_tuple);
    }
}

} // namespace sluice::net
