#pragma once
// metadata_log: what the controller needs of the metadata quorum (raft::metadata_quorum,
// adapted in src/app): append an entry and learn when it is committed and applied, and run
// work on the thread that applies entries, so that validation and application never race.
#include <cstdint>
#include <functional>
#include <system_error>

#include "base/bytes.h"

namespace sluice::cluster {

class metadata_log {
public:
    virtual ~metadata_log() = default;
    using done_fn = std::function<void(std::error_code, uint64_t index)>;
    // Thread-safe. `done` runs on the apply thread once the entry is committed and applied
    // (or failed).
    virtual void propose(byte_buffer entry, done_fn done) = 0;
    // Thread-safe: runs fn on the apply thread.
    virtual void post(std::function<void()> fn) = 0;
};

} // namespace sluice::cluster
