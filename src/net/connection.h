#pragma once
// connection: one Kafka client connection on one shard. Reads size-prefixed frames, hands
// each to the shard's request_handler and writes the responses back in request order, while
// later requests are already being read and handled (pipelining).
//
// Three coroutines per connection, all on the shard's thread:
//  - read_loop: 4-byte size prefix -> limit check (before allocating) -> memory budget ->
//    frame -> a detached serve_request coroutine per frame;
//  - write_loop: writes the oldest response once it is ready, then releases its budget;
//  - idle_watch: closes the connection after connections.max.idle.ms without activity.
//
// Ownership: the coroutines share ownership (shared_ptr); the connection dies when the last
// one ends. The shard_listener keeps a non-owning registry of open connections (to drain them
// on shutdown); close() removes the connection from it. The listener outlives every resumption
// of these coroutines: it is destroyed only after its shard's event loop has stopped (frames
// still pending then are destroyed without running).
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "net/request_handler.h"

namespace sluice::net {

class shard_listener;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(asio::ip::tcp::socket socket, shard_listener& listener, uint64_t id, std::string ip);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    const connection_info& info() const noexcept { return _info; }
    const std::string& ip() const noexcept { return _ip; }
    bool closed() const noexcept { return _closed; }

    // Starts the coroutines. Called once, on the shard, right after accept.
    void start();
    // Stops reading; the requests already read are answered, then the connection closes.
    void drain();
    // Closes the socket now; unanswered requests are dropped and their budget given back.
    void close();

private:
    using clock = std::chrono::steady_clock;
    struct slot {
        bool ready = false;
        response answer;
        size_t budget_units = 0;
    };

    static asio::awaitable<void> read_loop(std::shared_ptr<connection> self);
    static asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
    static asio::awaitable<void> idle_watch(std::shared_ptr<connection> self);
    static asio::awaitable<void> serve_request(std::shared_ptr<connection> self, uint64_t sequence,
                                               byte_buffer frame);
    // Waits until `signal` is cancelled (a wake-up) or the connection closes.
    static asio::awaitable<void> wait_for(asio::steady_timer& signal);
    // Writes one response (size prefix, bytes, file parts by sendfile); false on an error.
    asio::awaitable<bool> write_response(const response& r);
    asio::awaitable<bool> send_file(const file_part& part);
    asio::awaitable<bool> read_frame(byte_buffer& frame, size_t& budget_units);

    asio::ip::tcp::socket _socket;
    shard_listener& _listener;
    connection_info _info;
    std::string _ip;
    // Wake-ups: cancelling a timer resumes the coroutine waiting on it.
    asio::steady_timer _writer_wake; // the oldest response became ready, or reading ended
    asio::steady_timer _reader_wake; // a response was written (in-flight count dropped)
    asio::steady_timer _budget_wake; // used by memory_budget::acquire
    asio::steady_timer _idle_timer;
    clock::time_point _last_activity;
    // Requests read and not yet written, oldest first; _slots[i] has sequence _first_sequence + i.
    std::deque<slot> _slots;
    uint64_t _first_sequence = 0;
    bool _reading_done = false;
    bool _draining = false;
    bool _closed = false;
};

} // namespace sluice::net
