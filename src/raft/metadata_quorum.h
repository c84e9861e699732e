#pragma once
// metadata_quorum: the cluster metadata log (KRaft-style) on canonical raft, run on a thread
// of its own (the quorum thread) with a libuv loop (ADR 0002, src/raft/README.md).
//
// Ownership and threads: start() returns the only owner. propose(), post(), is_leader(),
// last_applied() and stop() may be called from any thread except that stop() and the
// destructor must not be called from the quorum thread (they join it). The state machine
// must outlive the quorum; it is called only on the quorum thread, as are the `done`
// callbacks and posted functions, which therefore must not block for long: they hold up
// every other metadata change.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <variant>

#include "base/bytes.h"
#include "raft/quorum_config.h"
#include "raft/quorum_error.h"
#include "raft/state_machine.h"

struct sluice_raft;

namespace sluice::raft {

class metadata_quorum {
public:
    // Opens/creates the log in config.dir (bootstrapping a one-voter configuration when the dir is new),
    // starts the quorum thread, replays snapshot + committed entries into `sm` (restore, then apply...),
    // and returns once this node is leader and everything committed before start has been applied.
    // Throws std::runtime_error with a clear message on failure (bad dir, corrupt log, timeout 10 s).
    static std::unique_ptr<metadata_quorum> start(const quorum_config& config, state_machine& sm);
    ~metadata_quorum(); // stop()s
    metadata_quorum(const metadata_quorum&) = delete;
    metadata_quorum& operator=(const metadata_quorum&) = delete;

    using done_fn = std::function<void(std::error_code, uint64_t index)>;
    // Thread-safe, from any thread. `done` runs on the quorum thread after the entry is committed AND applied
    // to `sm` (so the caller sees the effect), or with an error (not leader, shutting down, I/O).
    // Errors are quorum_errc values. Once stop() has begun (shutting_down), or with
    // proposals_in_flight_max proposals in flight (busy), `done` runs at once on the calling
    // thread. `done` must not throw (the process aborts).
    void propose(byte_buffer entry, done_fn done);
    // Thread-safe: runs fn on the quorum thread (serialises work with apply()), after the
    // proposals and posts queued before it were handed to raft. Dropped (destroyed unrun)
    // once stop() has begun.
    void post(std::function<void()> fn);
    bool is_leader() const;
    // The index of the last entry applied (raft's own entries included); at least the index
    // of every `done` that has run.
    uint64_t last_applied() const;
    // Stops the loop cleanly (pending proposals complete with an error); idempotent.
    // Queued proposals complete with shutting_down; those already handed to raft are written
    // first (libraft cannot close with appends in flight) and, with one voter, succeed.
    void stop();

private:
    struct proposal {
        byte_buffer entry;
        done_fn done;
    };
    using work = std::variant<proposal, std::function<void()>>;
    struct shim_deleter {
        void operator()(sluice_raft* shim) const noexcept;
    };

    metadata_quorum(const quorum_config& config, state_machine& sm);
    void run(bool bootstrap);
    // Quorum thread: what the C shim calls back (quorum_callbacks in metadata_quorum.cc).
    friend struct quorum_callbacks;
    void on_woken();
    void submit(proposal p);
    // Completes a proposal that was counted in _in_flight.
    void finish(done_fn& done, std::error_code ec, uint64_t index);
    void on_ready(bool ok, std::string message);

    const quorum_config _config;
    state_machine& _sm;
    std::unique_ptr<sluice_raft, shim_deleter> _shim;
    std::thread _thread;

    std::mutex _mutex; // guards the four below
    std::deque<work> _queue;
    size_t _in_flight = 0;   // proposals queued or in raft, not yet done
    bool _accepting = true;  // false: the shim's wake-up handle is closed or closing
    bool _stop_requested = false;

    std::once_flag _stop_once;
    std::atomic<bool> _leader{false};
    std::atomic<uint64_t> _last_applied{0};
    std::promise<std::string> _ready; // empty: started
    bool _ready_set = false;          // quorum thread
    byte_buffer _snapshot;            // quorum thread: the snapshot being handed to raft
    std::string _restore_error;       // quorum thread: why restore() threw
};

} // namespace sluice::raft
