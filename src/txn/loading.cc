// Becoming and ceasing to be coordinator of a __transaction_state partition (Kafka 4.0
// TransactionStateManager.loadTransactionsForTxnTopicPartition / removeTransactionsForTxnTopicPartition):
// the latest record of each transactional id wins, a tombstone removes it; transactions found
// in PrepareCommit/PrepareAbort are completed (markers, then Complete*).
#include "base/assert.h"
#include "base/log.h"
#include "txn/coordinator_impl.h"
#include "txn/state_records.h"

namespace sluice::txn {

void transaction_coordinator::impl::drop_partition_transactions(int32_t partition) {
    for (auto it = transactions.begin(); it != transactions.end();) {
        if (it->second->partition != partition) {
            ++it;
            continue;
        }
        if (it->second->marker_timer != 0) timers.cancel(it->second->marker_timer);
        it = transactions.erase(it);
    }
}

void transaction_coordinator::impl::begin_load(int32_t partition, int32_t coordinator_epoch) {
    drop_partition_transactions(partition); // whatever an earlier load left
    partitions[partition] = partition_entry{load_status::loading, next_load++, coordinator_epoch};
}

void transaction_coordinator::impl::replay(int32_t partition, byte_view key, std::optional<byte_view> value) {
    auto p = partitions.find(partition);
    SLUICE_ASSERT(p != partitions.end() && p->second.status == load_status::loading,
                  "replay() only between begin_load() and complete_load()");
    auto record = decode_transaction_record(key, value);
    if (!record) {
        ++skipped;
        return;
    }
    if (!record->values) {
        transactions.erase(record->transactional_id);
        return;
    }
    auto& slot = transactions[record->transactional_id];
    slot = std::make_unique<txn_metadata>(record->transactional_id, partition, std::move(*record->values));
}

void transaction_coordinator::impl::complete_load(int32_t partition) {
    auto p = partitions.find(partition);
    SLUICE_ASSERT(p != partitions.end() && p->second.status == load_status::loading, "complete_load() after begin_load()");
    p->second.status = load_status::loaded;
    uint64_t load = p->second.load;
    std::vector<std::string> to_complete;
    size_t count = 0;
    for (const auto& [id, m] : transactions) {
        if (m->partition != partition) continue;
        ++count;
        if (m->v.state == txn_state::prepare_commit || m->v.state == txn_state::prepare_abort) to_complete.push_back(id);
    }
    log::info("__transaction_state-{}: loaded {} transactional ids, {} to complete", partition, count,
              to_complete.size());
    for (const auto& id : to_complete) send_markers(id, load);
}

void transaction_coordinator::impl::unload(int32_t partition) {
    drop_partition_transactions(partition);
    partitions.erase(partition);
}

} // namespace sluice::txn
