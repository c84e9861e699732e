#pragma once
// recording_state_machine: a state machine for tests that keeps every applied entry with its
// index; its snapshot is the whole list, so a restart can be compared entry for entry.
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "raft/state_machine.h"

namespace sluice::raft::test {

struct recorded_entry {
    uint64_t index;
    byte_buffer bytes;
    bool operator==(const recorded_entry&) const = default;
};

// apply/snapshot/restore run on the quorum thread; the accessors copy under a lock, from any
// thread.
class recording_state_machine final : public state_machine {
public:
    void apply(uint64_t index, byte_view entry) override;
    byte_buffer snapshot() override;
    // Throws std::invalid_argument on a malformed snapshot.
    void restore(byte_view snapshot) override;

    std::vector<recorded_entry> entries() const;
    size_t snapshots_taken() const;
    size_t restores() const;

private:
    mutable std::mutex _mutex;
    std::vector<recorded_entry> _entries;
    size_t _snapshots = 0;
    size_t _restores = 0;
};

// A temporary directory removed (recursively) on destruction.
class temp_dir {
public:
    explicit temp_dir(const std::string& name);
    ~temp_dir();
    const std::string& path() const { return _path; }

private:
    std::string _path;
};

inline byte_buffer to_bytes(const std::string& s) { return byte_buffer(s.begin(), s.end()); }

} // namespace sluice::raft::test
