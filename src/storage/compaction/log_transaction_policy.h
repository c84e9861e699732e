#pragma once
// log_transaction_policy: the log cleaner's transaction_policy for a real log (Kafka's
// CleanedTransactionMetadata, simplified to offset ranges):
//  - is_aborted: a transactional data batch whose producer has an aborted transaction
//    (.txnindex entry) covering the batch's offset: [first offset, marker offset]. A producer
//    has one transaction open at a time, so its ranges do not overlap. Such records are
//    removed and never enter the offset map: an aborted value must not shadow a committed one.
//  - keep_empty: the producer's last batch in the producer state stays (empty if need be), so
//    its sequence numbers survive compaction (Kafka's BatchRetention.RETAIN_EMPTY).
//  - markers are kept (the default): a read_committed reader still sees where every
//    transaction ended. Kafka removes them after delete.retention.ms once their data is gone;
//    that is not done yet.
// The caller also stops the pass at the last stable offset: the outcome of an open
// transaction is not known yet.
//
// Built right before a pass (load() reads the .txnindex files); the log's shard only.
#include <map>
#include <vector>

#include "storage/compaction/transaction_policy.h"
#include "storage/log.h"

namespace sluice::storage {

class log_transaction_policy final : public transaction_policy {
public:
    // Reads the aborted transactions of the whole log.
    static result<log_transaction_policy> load(log& l);

    bool is_aborted(const protocol::record_batch_view& batch) override;
    bool keep_empty(const protocol::record_batch_view& batch) override;

private:
    explicit log_transaction_policy(log& l) : _log(&l) {}

    log* _log;
    // Per producer id: aborted ranges by first offset -> last (marker) offset.
    std::map<int64_t, std::map<int64_t, int64_t>> _aborted;
};

} // namespace sluice::storage
