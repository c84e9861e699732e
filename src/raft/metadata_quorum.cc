#include "raft/metadata_quorum.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "base/assert.h"
#include "base/log.h"
#include "raft/metadata_directory.h"
#include "raft/raft_shim.h"

namespace sluice::raft {
namespace {

quorum_errc error_of(sluice_raft_status status) {
    switch (status) {
    case SLUICE_RAFT_NOT_LEADER: return quorum_errc::not_leader;
    case SLUICE_RAFT_LEADERSHIP_LOST: return quorum_errc::leadership_lost;
    case SLUICE_RAFT_SHUTDOWN: return quorum_errc::shutting_down;
    case SLUICE_RAFT_TOO_BIG: return quorum_errc::entry_too_big;
    case SLUICE_RAFT_IO: return quorum_errc::io_error;
    case SLUICE_RAFT_CORRUPT: return quorum_errc::corrupt;
    case SLUICE_RAFT_NO_MEMORY: return quorum_errc::no_memory;
    case SLUICE_RAFT_OK:
    case SLUICE_RAFT_TIMEOUT:
    case SLUICE_RAFT_OTHER: break;
    }
    return quorum_errc::other;
}

// User code runs inside libraft's and libuv's C frames, which an exception must not cross.
// An exception from a callback the quorum cannot undo (apply, a `done`, a posted function)
// means the process state is no longer what the log says: stop loudly.
template <typename Fn>
void run_or_abort(const char* what, Fn&& fn) noexcept {
    try {
        fn();
    } catch (const std::exception& e) {
        log::error("metadata quorum: {} threw: {}", what, e.what());
        std::abort();
    } catch (...) {
        log::error("metadata quorum: {} threw a non-exception", what);
        std::abort();
    }
}

void complete(metadata_quorum::done_fn& done, std::error_code ec, uint64_t index) {
    if (done) run_or_abort("a proposal's done callback", [&] { done(ec, index); });
}

// Work items taken per wake-up: the loop turns (and completes writes) between batches even
// when producers keep the queue full.
constexpr size_t wake_batch_max = 256;

} // namespace

// The C shim's callbacks, all on the quorum thread.
struct quorum_callbacks {
    static metadata_quorum& self(void* context) { return *static_cast<metadata_quorum*>(context); }

    static void apply(void* context, uint64_t index, const uint8_t* data, size_t size) {
        metadata_quorum& q = self(context);
        SLUICE_ASSERT(index > q._last_applied.load(std::memory_order_relaxed),
                      "metadata log applied out of order");
        run_or_abort("state_machine::apply", [&] { q._sm.apply(index, byte_view(data, size)); });
        q._last_applied.store(index, std::memory_order_release);
    }
    static int snapshot(void* context, const uint8_t** data, size_t* size) {
        metadata_quorum& q = self(context);
        try {
            q._snapshot = q._sm.snapshot();
        } catch (const std::exception& e) {
            log::warn("metadata quorum: snapshot skipped: state_machine::snapshot threw: {}", e.what());
            return 1;
        }
        *data = q._snapshot.data();
        *size = q._snapshot.size();
        return 0;
    }
    static void snapshot_release(void* context) { byte_buffer().swap(self(context)._snapshot); }
    static int restore(void* context, const uint8_t* data, size_t size) {
        metadata_quorum& q = self(context);
        try {
            q._sm.restore(byte_view(data, size));
            return 0;
        } catch (const std::exception& e) {
            q._restore_error = e.what();
            return 1;
        }
    }
    static void proposed(void* context, void* token, sluice_raft_status status, uint64_t index) {
        std::unique_ptr<metadata_quorum::done_fn> done(static_cast<metadata_quorum::done_fn*>(token));
        std::error_code ec;
        if (status != SLUICE_RAFT_OK) ec = make_error_code(error_of(status));
        self(context).finish(*done, ec, status == SLUICE_RAFT_OK ? index : 0);
    }
    static void woken(void* context) { self(context).on_woken(); }
    static void observe(void* context, int is_leader, uint64_t last_applied) {
        metadata_quorum& q = self(context);
        q._leader.store(is_leader != 0, std::memory_order_release);
        q._last_applied.store(last_applied, std::memory_order_release);
    }
    static void ready(void* context, sluice_raft_status status, const char* message) {
        self(context).on_ready(status == SLUICE_RAFT_OK, message);
    }
};

void metadata_quorum::shim_deleter::operator()(sluice_raft* shim) const noexcept { sluice_raft_destroy(shim); }

metadata_quorum::metadata_quorum(const quorum_config& config, state_machine& sm) : _config(config), _sm(sm) {
    sluice_raft_callbacks callbacks{};
    callbacks.context = this;
    callbacks.apply = quorum_callbacks::apply;
    callbacks.snapshot = quorum_callbacks::snapshot;
    callbacks.snapshot_release = quorum_callbacks::snapshot_release;
    callbacks.restore = quorum_callbacks::restore;
    callbacks.proposed = quorum_callbacks::proposed;
    callbacks.woken = quorum_callbacks::woken;
    callbacks.observe = quorum_callbacks::observe;
    callbacks.ready = quorum_callbacks::ready;
    _shim.reset(sluice_raft_create(&callbacks));
    if (!_shim) throw std::runtime_error("metadata quorum: cannot create the libuv loop");
}

std::unique_ptr<metadata_quorum> metadata_quorum::start(const quorum_config& config, state_machine& sm) {
    if (config.node_id <= 0) {
        throw std::runtime_error(fmt::format("metadata quorum: node id {} must be positive", config.node_id));
    }
    if (config.dir.empty()) throw std::runtime_error("metadata quorum: no directory given");
    const auto began = std::chrono::steady_clock::now();
    const bool bootstrap = prepare_metadata_directory(config.dir);
    std::unique_ptr<metadata_quorum> quorum(new metadata_quorum(config, sm));
    std::future<std::string> ready = quorum->_ready.get_future();
    quorum->_thread = std::thread([q = quorum.get(), bootstrap] { q->run(bootstrap); });
    if (ready.wait_for(std::chrono::milliseconds(config.start_timeout_ms)) != std::future_status::ready) {
        quorum->stop();
        throw std::runtime_error(fmt::format("metadata quorum in {}: not leader with the log applied after {} ms",
                                             config.dir, config.start_timeout_ms));
    }
    if (std::string error = ready.get(); !error.empty()) {
        quorum->stop();
        throw std::runtime_error(fmt::format("metadata quorum in {}: {}", config.dir, error));
    }
    const auto elapsed = std::chrono::steady_clock::now() - began;
    log::info("metadata quorum: {} {} in {} ms, leader, last applied index {}", config.dir,
              bootstrap ? "bootstrapped" : "opened",
              std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), quorum->last_applied());
    return quorum;
}

metadata_quorum::~metadata_quorum() { stop(); }

void metadata_quorum::run(bool bootstrap) {
    log::set_thread_name("raft");
    sluice_raft_options options{};
    options.dir = _config.dir.c_str();
    options.node_id = static_cast<uint64_t>(_config.node_id);
    options.address = _config.address.c_str();
    options.listen = _config.listen;
    options.bootstrap = bootstrap;
    options.snapshot_threshold = static_cast<unsigned>(_config.snapshot_threshold);
    options.snapshot_trailing = static_cast<unsigned>(_config.snapshot_trailing);
    options.election_timeout_ms = _config.election_timeout_ms;
    options.heartbeat_timeout_ms = _config.heartbeat_timeout_ms;
    options.entry_bytes_max = _config.entry_bytes_max;
    sluice_raft_run(_shim.get(), &options);
}

void metadata_quorum::propose(byte_buffer entry, done_fn done) {
    std::error_code refused = quorum_errc::shutting_down;
    {
        std::lock_guard lock(_mutex);
        if (_accepting && !_stop_requested) {
            if (_in_flight < _config.proposals_in_flight_max) {
                ++_in_flight;
                _queue.emplace_back(proposal{std::move(entry), std::move(done)});
                sluice_raft_wake(_shim.get());
                return;
            }
            refused = quorum_errc::busy;
        }
    }
    complete(done, refused, 0);
}

void metadata_quorum::post(std::function<void()> fn) {
    std::lock_guard lock(_mutex);
    if (!_accepting || _stop_requested) return;
    _queue.emplace_back(std::move(fn));
    sluice_raft_wake(_shim.get());
}

bool metadata_quorum::is_leader() const { return _leader.load(std::memory_order_acquire); }

uint64_t metadata_quorum::last_applied() const { return _last_applied.load(std::memory_order_acquire); }

void metadata_quorum::stop() {
    std::call_once(_stop_once, [this] {
        SLUICE_ASSERT(std::this_thread::get_id() != _thread.get_id(),
                      "metadata_quorum::stop() called on the quorum thread");
        {
            std::lock_guard lock(_mutex);
            _stop_requested = true;
            if (_accepting) sluice_raft_wake(_shim.get());
        }
        if (_thread.joinable()) _thread.join();
        _leader.store(false, std::memory_order_release);
    });
}

void metadata_quorum::on_woken() {
    std::vector<work> batch;
    bool stopping;
    {
        std::lock_guard lock(_mutex);
        stopping = _stop_requested;
        // Stopping takes everything: the shim closes its wake-up handle below, so nobody may
        // signal it from now on.
        size_t take = stopping ? _queue.size() : std::min(_queue.size(), wake_batch_max);
        batch.reserve(take);
        for (size_t i = 0; i < take; ++i) {
            batch.push_back(std::move(_queue.front()));
            _queue.pop_front();
        }
        if (stopping) {
            _accepting = false;
        } else if (!_queue.empty()) {
            sluice_raft_wake(_shim.get()); // the rest after this loop turn
        }
    }
    for (work& item : batch) {
        if (auto* p = std::get_if<proposal>(&item)) {
            if (stopping) {
                finish(p->done, quorum_errc::shutting_down, 0);
            } else {
                submit(std::move(*p));
            }
        } else {
            run_or_abort("a posted function", std::get<std::function<void()>>(item));
        }
    }
    if (stopping) sluice_raft_close(_shim.get());
}

void metadata_quorum::submit(proposal p) {
    auto done = std::make_unique<done_fn>(std::move(p.done));
    const char* message = nullptr;
    sluice_raft_status status = sluice_raft_propose(_shim.get(), p.entry.data(), p.entry.size(), done.get(), &message);
    if (status == SLUICE_RAFT_OK) {
        done.release(); // the shim's `proposed` callback owns it now
        return;
    }
    log::debug("metadata quorum: proposal refused: {}", message ? message : "");
    finish(*done, make_error_code(error_of(status)), 0);
}

void metadata_quorum::finish(done_fn& done, std::error_code ec, uint64_t index) {
    {
        std::lock_guard lock(_mutex);
        --_in_flight;
    }
    complete(done, ec, index);
}

void metadata_quorum::on_ready(bool ok, std::string message) {
    if (!ok) {
        // The shim closes itself after a failed start: no more wake-ups.
        std::lock_guard lock(_mutex);
        _accepting = false;
    }
    if (!_restore_error.empty()) message += ": " + _restore_error;
    if (_ready_set) return;
    _ready_set = true;
    _ready.set_value(ok ? std::string() : message);
}

} // namespace sluice::raft
