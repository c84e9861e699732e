#include "server/producer_id_pool.h"

#include <asio/post.hpp>

#include "cluster/controller.h"

namespace sluice::server {

void producer_id_pool::next(callback done) {
    if (_next < _end && _waiting.empty()) {
        done(protocol::error_code::none, model::producer_id(_next++));
        return;
    }
    _waiting.push_back(std::move(done));
    if (!_taking) take_block();
}

void producer_id_pool::take_block() {
    if (_controller == nullptr) {
        std::vector<callback> waiting = std::move(_waiting);
        _waiting.clear();
        for (callback& done : waiting) done(protocol::error_code::coordinator_not_available, model::no_producer_id);
        return;
    }
    _taking = true;
    // The controller answers on the metadata thread: back to this shard.
    _controller->allocate_producer_ids(block_size, [this, executor = _executor](std::error_code ec, int64_t first) {
        asio::post(executor, [this, ec, first] {
            _taking = false;
            std::vector<callback> waiting = std::move(_waiting);
            _waiting.clear();
            if (ec) {
                for (callback& done : waiting) done(protocol::error_code::coordinator_load_in_progress, model::no_producer_id);
                return;
            }
            ++_blocks;
            _next = first;
            _end = first + block_size;
            size_t served = 0;
            for (; served < waiting.size() && _next < _end; ++served)
                waiting[served](protocol::error_code::none, model::producer_id(_next++));
            if (served < waiting.size()) { // more waiters than one block holds
                _waiting.assign(std::make_move_iterator(waiting.begin() + static_cast<ptrdiff_t>(served)),
                                std::make_move_iterator(waiting.end()));
                take_block();
            }
        });
    });
}

} // namespace sluice::server
