#pragma once
// The interface between a connection (net) and request processing (server): a connection
// hands every complete frame to its shard's request_handler and writes what comes back.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>

#include "base/bytes.h"
#include "net/smp.h"

namespace sluice::net {

// What a handler may know and record about the connection a request came on. Owned by the
// connection; valid (and only touched on its shard) while a request of the connection is
// being handled.
struct connection_info {
    uint64_t id = 0;  // unique per shard
    shard_id shard = no_shard;
    std::string peer; // "ip:port"
    // From ApiVersions v3+ (KIP-511); empty until the client sent them.
    std::string client_software_name;
    std::string client_software_version;
};

// Bytes of a file sent in the middle of a response with sendfile(2) (a Fetch response's
// records): sent right before bytes[position]. `keep` holds the file open until written.
struct file_part {
    size_t position = 0;
    int fd = -1;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::shared_ptr<const void> keep;
};

struct response {
    enum class action : uint8_t {
        send,  // write `bytes` (the response after its 4-byte size prefix)
        none,  // nothing to send (Produce with acks=0); keeps its place in the order
        close, // close the connection once the responses before this one are written
    };
    action what = action::send;
    byte_buffer bytes;
    std::vector<file_part> files; // by position; the size prefix counts them too

    static response send(byte_buffer b, std::vector<file_part> files = {}) {
        return {action::send, std::move(b), std::move(files)};
    }
    static response none() { return {action::none, {}, {}}; }
    static response close() { return {action::close, {}, {}}; }
};

// One instance per shard (created by the tcp_server's factory on that shard's behalf), called
// only on that shard's thread. Requests of one connection may be handled concurrently
// (pipelining): handle() is called in arrival order, its awaitables may complete in any
// order, and the connection writes the responses in request order.
class request_handler {
public:
    virtual ~request_handler() = default;
    // `frame` is the request after its size prefix; the handler owns it from here on (record
    // batches can stay views into it). An exception closes the connection.
    virtual asio::awaitable<response> handle(byte_buffer frame, connection_info& connection) = 0;
};

} // namespace sluice::net
