#include "net/smp.h"

#include <string>

#include "base/assert.h"
#include "base/log.h"

namespace sluice::net {

namespace {
thread_local shard_id t_shard = no_shard;
} // namespace

shard_id this_shard() noexcept { return t_shard; }

smp::smp(uint32_t shard_count) {
    SLUICE_ASSERT(shard_count >= 1, "at least one shard");
    for (uint32_t i = 0; i < shard_count; ++i) {
        // concurrency_hint 1: each io_context is run by exactly one thread, so Asio may skip
        // its internal locking.
        _contexts.push_back(std::make_unique<asio::io_context>(1));
    }
}

smp::~smp() { stop(); }

void smp::start() {
    SLUICE_ASSERT(_threads.empty(), "smp started twice");
    for (shard_id s = 0; s < count(); ++s) {
        _guards.push_back(asio::make_work_guard(*_contexts[s]));
        _threads.emplace_back([this, s] {
            t_shard = s;
            log::set_thread_name("shard " + std::to_string(s));
            try {
                _contexts[s]->run();
            } catch (const std::exception& e) {
                // A handler let an exception escape: the shard's state can no longer be
                // trusted (STYLE.md: crash loudly).
                log::error("shard {} event loop failed: {}", s, e.what());
                std::abort();
            }
        });
    }
}

void smp::stop() {
    _guards.clear();
    for (auto& c : _contexts) c->stop();
    for (auto& t : _threads) t.join();
    _threads.clear();
}

} // namespace sluice::net
