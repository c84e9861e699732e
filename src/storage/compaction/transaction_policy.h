#pragma once
// transaction_policy: the log cleaner's hook for transactions (KIP-98) and idempotent
// producers, so the transactions feature plugs in without changing the cleaner.
//
// The default below is what the cleaner does until then: every transactional batch counts as
// committed (its records are compacted like any other), every control batch (COMMIT/ABORT
// marker) is kept, and no empty batch is retained for a producer. That never loses a
// committed record; it only keeps what Kafka would remove.
//
// What the transactions feature implements (Kafka's LogCleaner.CleanedTransactionMetadata):
//  - is_aborted: true for the data batches of aborted transactions, found from the
//    .txnindex entries overlapping the range being cleaned. Their records are removed and
//    never enter the offset map (an aborted value must not shadow a committed one).
//  - may_remove_control_batch: a marker may go once no data of its transaction is left in
//    the log before it and its delete horizon (KIP-534: set when first cleaned, like a
//    tombstone's; now + delete.retention.ms) has passed. Until then it stays, so
//    read_committed consumers still see where each transaction ended.
//  - keep_empty: true for the last batch of each producer still in the producer-state map
//    (Kafka's BatchRetention.RETAIN_EMPTY), so its sequence numbers survive even when all its
//    records are compacted away.
//
// Call order: begin_pass(phase, from) then the batches of that phase in offset order; the
// offset-map phase first, then the cleaning phase. One policy object per cleaning pass; used
// from the log's shard only.
#include <cstdint>

#include "base/ids.h"
#include "protocol/record_batch.h"

namespace sluice::storage {

enum class cleaner_phase : uint8_t { build_offset_map, clean };

class transaction_policy {
public:
    virtual ~transaction_policy() = default;

    virtual void begin_pass(cleaner_phase /*phase*/, model::offset /*from*/) {}
    virtual bool is_aborted(const protocol::record_batch_view& /*data_batch*/) { return false; }
    virtual bool may_remove_control_batch(const protocol::record_batch_view& /*control_batch*/, int64_t /*now_ms*/) {
        return false;
    }
    virtual bool keep_empty(const protocol::record_batch_view& /*data_batch*/) { return false; }
};

} // namespace sluice::storage
