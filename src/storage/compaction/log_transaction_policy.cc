#include "storage/compaction/log_transaction_policy.h"

namespace sluice::storage {

result<log_transaction_policy> log_transaction_policy::load(log& l) {
    auto aborted = l.aborted_transactions(l.log_start_offset(), l.log_end_offset());
    if (!aborted) return aborted.error();
    log_transaction_policy policy(l);
    for (const aborted_txn& t : *aborted)
        policy._aborted[t.producer_id.value()][t.first_offset.value()] = t.last_offset.value();
    return policy;
}

bool log_transaction_policy::is_aborted(const protocol::record_batch_view& batch) {
    if (!batch.is_transactional() || batch.is_control()) return false;
    auto producer = _aborted.find(batch.producer_id().value());
    if (producer == _aborted.end()) return false;
    const int64_t offset = batch.base_offset().value();
    auto range = producer->second.upper_bound(offset); // the first range starting after it
    if (range == producer->second.begin()) return false;
    --range;
    return offset <= range->second;
}

bool log_transaction_policy::keep_empty(const protocol::record_batch_view& batch) {
    if (!batch.has_producer_id()) return false;
    const producer_entry* entry = _log->producers().find(batch.producer_id());
    if (entry == nullptr || entry->batches.empty()) return false;
    return entry->batches.back().last_offset.value() == batch.base_offset().value() + batch.last_offset_delta();
}

} // namespace sluice::storage
