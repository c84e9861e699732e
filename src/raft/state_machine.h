#pragma once
// state_machine: what the metadata quorum replicates (KRaft's "metadata image").
#include "base/bytes.h"

#include <cstdint>

namespace sluice::raft {

// The replicated state machine. Called only on the quorum thread, in log order.
// Implementations must not throw: an exception from apply() or restore() would leave the
// state half-changed, so the quorum aborts the process (restore() at start-up fails start()
// instead). snapshot() may throw; that snapshot is skipped.
class state_machine {
public:
    virtual ~state_machine() = default;
    // A committed entry. Indexes increase but are not contiguous: raft's own entries
    // (configuration, barriers) take indexes the state machine never sees.
    virtual void apply(uint64_t index, byte_view entry) = 0;
    // State as of the last applied entry.
    virtual byte_buffer snapshot() = 0;
    // Replaces the state; apply() continues after the snapshot's last entry.
    virtual void restore(byte_view snapshot) = 0;
};

} // namespace sluice::raft
