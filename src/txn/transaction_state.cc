#include "txn/transaction_state.h"

#include <array>

namespace sluice::txn {

namespace {

constexpr std::array<std::string_view, 8> names = {"Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
                                                   "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence"};

constexpr uint8_t bit(txn_state s) noexcept { return static_cast<uint8_t>(1u << static_cast<int>(s)); }

// Kafka's validPreviousStates, as a bit set of the states each state may follow.
constexpr uint8_t previous_states(txn_state to) noexcept {
    using enum txn_state;
    switch (to) {
    case empty: return bit(empty) | bit(complete_commit) | bit(complete_abort);
    case ongoing: return bit(ongoing) | bit(empty) | bit(complete_commit) | bit(complete_abort);
    case prepare_commit: return bit(ongoing);
    case prepare_abort: return bit(ongoing) | bit(prepare_epoch_fence);
    case complete_commit: return bit(prepare_commit);
    case complete_abort: return bit(prepare_abort);
    case dead: return bit(empty) | bit(complete_commit) | bit(complete_abort);
    case prepare_epoch_fence: return bit(ongoing);
    }
    return 0;
}

} // namespace

std::string_view state_name(txn_state s) noexcept { return names[static_cast<size_t>(s)]; }

std::optional<txn_state> state_from_name(std::string_view name) noexcept {
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<txn_state>(i);
    return std::nullopt;
}

std::optional<txn_state> state_from_id(int8_t id) noexcept {
    if (id < 0 || id >= static_cast<int8_t>(names.size())) return std::nullopt;
    return static_cast<txn_state>(id);
}

bool valid_transition(txn_state from, txn_state to) noexcept { return (previous_states(to) & bit(from)) != 0; }

bool expiration_allowed(txn_state s) noexcept {
    return s == txn_state::empty || s == txn_state::complete_commit || s == txn_state::complete_abort;
}

} // namespace sluice::txn
