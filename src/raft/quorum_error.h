#pragma once
// quorum_errc: why a proposal failed. At the Kafka boundary not_leader and leadership_lost
// become NOT_CONTROLLER and busy REQUEST_TIMED_OUT (all retriable), the others
// UNKNOWN_SERVER_ERROR.
#include <system_error>

namespace sluice::raft {

enum class quorum_errc {
    not_leader = 1,    // this node is not the leader: nothing was appended
    leadership_lost,   // leadership ended before the entry committed: it may or may not commit
    shutting_down,     // stop() began before the entry committed: it may or may not be in the log
    entry_too_big,     // over quorum_config::entry_bytes_max
    busy,              // quorum_config::proposals_in_flight_max proposals in flight: nothing appended
    io_error,          // disk (or, with voters, network) error
    corrupt,           // unreadable log or snapshot
    no_memory,
    other,
};

const std::error_category& quorum_category() noexcept;
std::error_code make_error_code(quorum_errc e) noexcept;

} // namespace sluice::raft

template <>
struct std::is_error_code_enum<sluice::raft::quorum_errc> : std::true_type {};
