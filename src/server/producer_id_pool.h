#pragma once
// producer_id_pool: a shard's supply of producer ids (Kafka's ProducerIdManager on a broker). Ids
// come in blocks the controller commits to the metadata log (ProducerIdsRecord), so they are
// unique across restarts and, later, brokers; a shard takes a new block when its block runs
// out. Idempotent producers' InitProducerId and the transaction coordinator draw from it.
//
// Threads: the owning shard's only; `done` runs on it (possibly inside next()).
#include <cstdint>
#include <functional>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "base/ids.h"
#include "protocol/error_code.h"

namespace sluice::cluster {
class controller;
}

namespace sluice::server {

class producer_id_pool {
public:
    using callback = std::function<void(protocol::error_code, model::producer_id)>;
    // Kafka's block size (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE).
    static constexpr int32_t block_size = 1000;

    producer_id_pool(cluster::controller* controller, asio::any_io_executor executor)
        : _controller(controller), _executor(std::move(executor)) {}

    // The next id; COORDINATOR_LOAD_IN_PROGRESS when the controller could not commit a block
    // (Kafka's answer while a block is not ready: the client retries).
    void next(callback done);
    // How many blocks were taken (tests).
    int64_t blocks_taken() const noexcept { return _blocks; }

private:
    void take_block();

    cluster::controller* _controller; // null in tests without a quorum: every call fails
    asio::any_io_executor _executor;
    int64_t _next = 0;
    int64_t _end = 0; // exclusive
    int64_t _blocks = 0;
    bool _taking = false;
    std::vector<callback> _waiting;
};

} // namespace sluice::server
