#pragma once
// quorum_config: where the metadata log lives and how the quorum runs (src/raft/README.md).
#include <cstddef>
#include <cstdint>
#include <string>

namespace sluice::raft {

struct quorum_config {
    std::string dir;        // where the raft log + snapshots live, e.g. <log.dir>/__cluster_metadata-0 (created if absent)
    int32_t node_id = 1;
    std::string address = "127.0.0.1:9093"; // this voter's raft address (single voter: not dialled)
    uint64_t snapshot_threshold = 4096;     // entries between snapshots
    uint64_t snapshot_trailing = 1024;
    // Bind `address` with libraft's TCP transport. Nobody dials a one-voter quorum, and a
    // listener would only let strangers send it raft messages (a higher term makes it step
    // down), so it is off until there are several voters.
    bool listen = false;
    // Raft timing (libraft's defaults). A one-voter quorum elects itself at start without
    // waiting for either.
    uint32_t election_timeout_ms = 1000;
    uint32_t heartbeat_timeout_ms = 100;
    // Largest proposal payload; bigger ones fail with quorum_errc::entry_too_big. Keeps a
    // framed entry well inside libraft's 8 MiB segments (docs/formats/metadata_log.md).
    size_t entry_bytes_max = 1 << 20;
    // Proposals queued or in raft, not yet done. Over it, propose() fails at once with
    // quorum_errc::busy: a producer faster than the disk would otherwise grow the queue
    // without bound and starve the loop (KRaft's accumulator also refuses when full).
    size_t proposals_in_flight_max = 4096;
    // start() gives up when this node is not leader with everything applied by then.
    uint32_t start_timeout_ms = 10'000;
};

} // namespace sluice::raft
