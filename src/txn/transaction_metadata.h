#pragma once
// transaction_metadata: one transactional id's state and Kafka 4.0's transitions between
// states (TransactionMetadata.prepare* / completeTransitionTo). A transition is prepared (the
// target values computed, `pending` set so no other transition can start), written to
// __transaction_state, and applied with complete_transition only once durable, or dropped
// with abort_transition when the write fails. Shard thread only.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "base/ids.h"
#include "base/scheduler.h"
#include "protocol/error_code.h"
#include "txn/transaction_coordinator.h"
#include "txn/transaction_state.h"

namespace sluice::txn {

// What one __transaction_state value describes, plus the fields Kafka keeps in memory only.
struct txn_values {
    model::producer_id producer_id{-1};
    // The producer id before the latest transition (KIP-360 retries after a rotation). Not
    // written by Kafka 4.0 (read back as -1), read when a record carries it.
    model::producer_id previous_producer_id{-1};
    model::producer_id next_producer_id{-1}; // KIP-890 (transaction version 2) only
    model::producer_epoch producer_epoch{-1};
    model::producer_epoch last_producer_epoch{-1}; // memory only (KIP-360 retry detection)
    int32_t timeout_ms = 0;
    txn_state state = txn_state::empty;
    std::set<topic_partition> partitions;
    int64_t start_timestamp_ms = -1;
    int64_t last_update_timestamp_ms = -1;
    int16_t client_transaction_version = 0;
    bool operator==(const txn_values&) const = default;
};

// Epochs from Short.MaxValue - 1 on are not handed to clients: the coordinator must always be
// able to fence (bump) once more.
inline bool epoch_exhausted(model::producer_epoch e) noexcept { return e.value() >= INT16_MAX - 1; }

struct txn_metadata {
    txn_metadata(std::string id, int32_t partition, txn_values values)
        : transactional_id(std::move(id)), partition(partition), v(std::move(values)) {}

    std::string transactional_id;
    int32_t partition;
    txn_values v;                          // the durable state
    std::optional<txn_state> pending;      // a transition being written
    scheduler::timer_id marker_timer = 0;  // a marker / Complete* retry waiting

    bool pending_transition() const noexcept { return pending.has_value(); }

    // InitProducerId on Empty/Complete*: epoch + 1, or KIP-360's rules when the producer
    // states its current epoch (a retry of a bump that succeeded returns the same epoch;
    // anything else but the current epoch is PRODUCER_FENCED). Not for exhausted epochs.
    protocol::error_code prepare_increment_epoch(int32_t timeout_ms, std::optional<model::producer_epoch> expected,
                                                 int64_t now_ms, txn_values& target);
    // Epoch exhausted: a new producer id at epoch 0 (the old epoch kept as last epoch when the
    // producer stated it, so that its retry is recognised).
    txn_values prepare_producer_id_rotation(model::producer_id id, int32_t timeout_ms, int64_t now_ms,
                                            bool record_last_epoch);
    txn_values prepare_add_partitions(const std::set<topic_partition>& added, int64_t now_ms);
    // Ongoing → PrepareCommit/PrepareAbort. `fence_epoch`: the abort fences the producer (its
    // InitProducerId found the transaction ongoing, or it timed out): the epoch is bumped to
    // it and the last epoch forgotten (Kafka's PrepareEpochFence step, folded in).
    txn_values prepare_abort_or_commit(txn_state next, int64_t now_ms,
                                       std::optional<model::producer_epoch> fence_epoch = std::nullopt);
    txn_values prepare_complete(int64_t now_ms);
    void prepare_dead();

    // The target is durable: it becomes the state (Kafka's checks asserted).
    void complete_transition(const txn_values& target);
    void abort_transition() noexcept { pending.reset(); }

private:
    txn_values prepare(txn_state to, txn_values target);
};

} // namespace sluice::txn
