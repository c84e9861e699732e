#include "txn/transaction_metadata.h"

#include <algorithm>

#include "base/assert.h"

namespace sluice::txn {

using protocol::error_code;

txn_values txn_metadata::prepare(txn_state to, txn_values target) {
    SLUICE_ASSERT(!pending, "a transaction transition is already pending");
    SLUICE_ASSERT(target.producer_id.value() >= 0, "illegal new producer id");
    SLUICE_ASSERT(to == txn_state::dead || target.producer_epoch.value() >= 0, "illegal new producer epoch");
    SLUICE_ASSERT(valid_transition(v.state, to), "invalid transaction state transition");
    target.state = to;
    target.previous_producer_id = v.producer_id; // Kafka: prevProducerId = the id before the transition
    pending = to;
    return target;
}

error_code txn_metadata::prepare_increment_epoch(int32_t timeout_ms, std::optional<model::producer_epoch> expected,
                                                 int64_t now_ms, txn_values& target) {
    model::producer_epoch bumped{static_cast<int16_t>(v.producer_epoch.value() + 1)};
    model::producer_epoch next_epoch = bumped;
    model::producer_epoch last_epoch = model::no_producer_epoch;
    if (expected) {
        if (v.producer_epoch == model::no_producer_epoch || *expected == v.producer_epoch) {
            // KIP-360: a producer recovering from an error, nobody else initialised since.
            last_epoch = v.producer_epoch;
        } else if (*expected == v.last_producer_epoch) {
            // A retry of a bump that succeeded: the same epoch again, no bump.
            next_epoch = v.producer_epoch;
            last_epoch = v.last_producer_epoch;
        } else {
            return error_code::producer_fenced;
        }
    }
    SLUICE_ASSERT(next_epoch == v.producer_epoch || !epoch_exhausted(v.producer_epoch),
                  "cannot bump an exhausted producer epoch");
    txn_values t = v;
    t.producer_epoch = next_epoch;
    t.last_producer_epoch = last_epoch;
    t.timeout_ms = timeout_ms;
    t.partitions.clear();
    t.start_timestamp_ms = -1;
    t.last_update_timestamp_ms = now_ms;
    target = prepare(txn_state::empty, std::move(t));
    return error_code::none;
}

txn_values txn_metadata::prepare_producer_id_rotation(model::producer_id id, int32_t timeout_ms, int64_t now_ms,
                                                      bool record_last_epoch) {
    SLUICE_ASSERT(v.state != txn_state::ongoing && v.state != txn_state::prepare_commit &&
                      v.state != txn_state::prepare_abort,
                  "cannot rotate producer ids while a transaction is pending");
    txn_values t = v;
    t.producer_id = id;
    t.producer_epoch = model::producer_epoch{0};
    t.last_producer_epoch = record_last_epoch ? v.producer_epoch : model::no_producer_epoch;
    t.timeout_ms = timeout_ms;
    t.partitions.clear();
    t.start_timestamp_ms = -1;
    t.last_update_timestamp_ms = now_ms;
    return prepare(txn_state::empty, std::move(t));
}

txn_values txn_metadata::prepare_add_partitions(const std::set<topic_partition>& added, int64_t now_ms) {
    txn_values t = v;
    bool starts = v.state == txn_state::empty || v.state == txn_state::complete_commit ||
                  v.state == txn_state::complete_abort;
    if (starts) t.start_timestamp_ms = now_ms;
    t.partitions.insert(added.begin(), added.end());
    t.last_update_timestamp_ms = now_ms;
    return prepare(txn_state::ongoing, std::move(t));
}

txn_values txn_metadata::prepare_abort_or_commit(txn_state next, int64_t now_ms,
                                                 std::optional<model::producer_epoch> fence_epoch) {
    txn_values t = v;
    if (fence_epoch) {
        t.producer_epoch = *fence_epoch;
        t.last_producer_epoch = model::no_producer_epoch;
    }
    t.last_update_timestamp_ms = now_ms;
    return prepare(next, std::move(t));
}

txn_values txn_metadata::prepare_complete(int64_t now_ms) {
    txn_values t = v;
    t.partitions.clear();
    t.next_producer_id = model::no_producer_id;
    t.last_update_timestamp_ms = now_ms;
    return prepare(v.state == txn_state::prepare_commit ? txn_state::complete_commit : txn_state::complete_abort,
                   std::move(t));
}

void txn_metadata::prepare_dead() {
    txn_values t = v;
    t.partitions.clear();
    prepare(txn_state::dead, std::move(t));
}

void txn_metadata::complete_transition(const txn_values& t) {
    SLUICE_ASSERT(pending && *pending == t.state, "completing a transition that is not the pending one");
    SLUICE_ASSERT(t.state != txn_state::dead && t.state != txn_state::prepare_epoch_fence,
                  "Dead and PrepareEpochFence are never completed");
    bool same_producer = t.producer_id == v.producer_id && t.producer_epoch == v.producer_epoch;
    switch (t.state) {
    case txn_state::empty: {
        bool bump = t.producer_epoch.value() == v.producer_epoch.value() + 1 ||
                    (t.producer_epoch.value() == 0 && t.producer_id != v.producer_id);
        SLUICE_ASSERT((same_producer || bump) && t.partitions.empty() && t.start_timestamp_ms == -1,
                      "unexpected InitProducerId transition");
        break;
    }
    case txn_state::ongoing:
        SLUICE_ASSERT(same_producer && std::includes(t.partitions.begin(), t.partitions.end(), v.partitions.begin(),
                                                     v.partitions.end()),
                      "unexpected AddPartitions transition");
        break;
    case txn_state::prepare_commit:
    case txn_state::prepare_abort:
        // A fencing abort bumps the epoch by one.
        SLUICE_ASSERT(t.producer_id == v.producer_id &&
                          (t.producer_epoch == v.producer_epoch ||
                           t.producer_epoch.value() == v.producer_epoch.value() + 1) &&
                          t.partitions == v.partitions && t.start_timestamp_ms == v.start_timestamp_ms,
                      "unexpected EndTxn transition");
        break;
    default: SLUICE_ASSERT(same_producer && t.start_timestamp_ms != -1, "unexpected completion transition"); break;
    }
    v = t;
    pending.reset();
}

} // namespace sluice::txn
