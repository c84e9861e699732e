#pragma once
// The states of a transactional id (Kafka 4.0 TransactionState): their ids (the status byte of
// a __transaction_state value), their names (DescribeTransactions / ListTransactions) and the
// transitions allowed between them.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::txn {

enum class txn_state : int8_t {
    empty = 0,               // no transaction; after InitProducerId
    ongoing = 1,             // partitions added
    prepare_commit = 2,      // EndTxn(commit) durable, markers being written
    prepare_abort = 3,       // EndTxn(abort), fencing or timeout durable, markers being written
    complete_commit = 4,     // markers written
    complete_abort = 5,      // markers written
    dead = 6,                // being expired (only ever a pending state; a tombstone follows)
    prepare_epoch_fence = 7, // Kafka's transient fencing state; never written (see README)
};

std::string_view state_name(txn_state s) noexcept;
std::optional<txn_state> state_from_name(std::string_view name) noexcept;
std::optional<txn_state> state_from_id(int8_t id) noexcept;
// Whether `to` may follow `from` (Kafka 4.0's validPreviousStates, transaction version 1).
bool valid_transition(txn_state from, txn_state to) noexcept;
// Empty, CompleteCommit, CompleteAbort: an idle transactional id may expire.
bool expiration_allowed(txn_state s) noexcept;

} // namespace sluice::txn
