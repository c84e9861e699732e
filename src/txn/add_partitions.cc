// AddPartitionsToTxn / AddOffsetsToTxn (Kafka 4.0 handleAddPartitionsToTransaction) and the
// KIP-890 verification of v4+ (handleVerifyPartitionsInTransaction).
#include "txn/coordinator_impl.h"

#include <algorithm>

namespace sluice::txn {

void transaction_coordinator::impl::add_partitions(const std::string& transactional_id, model::producer_id producer_id,
                                                   model::producer_epoch producer_epoch,
                                                   const std::set<topic_partition>& partitions,
                                                   std::function<void(error_code)> done) {
    if (transactional_id.empty()) return done(error_code::invalid_request);
    if (error_code e = partition_error(transactional_id); e != error_code::none) return done(e);
    txn_metadata* m = find(transactional_id);
    if (!m || m->v.producer_id != producer_id) return done(error_code::invalid_producer_id_mapping);
    if (m->v.producer_epoch != producer_epoch) return done(error_code::producer_fenced);
    if (m->pending_transition()) return done(error_code::concurrent_transactions);
    if (m->v.state == txn_state::prepare_commit || m->v.state == txn_state::prepare_abort)
        return done(error_code::concurrent_transactions);
    if (m->v.state == txn_state::ongoing &&
        std::includes(m->v.partitions.begin(), m->v.partitions.end(), partitions.begin(), partitions.end()))
        return done(error_code::none); // already in the transaction: nothing to write
    txn_values target = m->prepare_add_partitions(partitions, timers.now_ms());
    write_transition(*m, std::move(target), std::move(done));
}

std::map<topic_partition, error_code>
transaction_coordinator::impl::verify_partitions(const std::string& transactional_id, model::producer_id producer_id,
                                                 model::producer_epoch producer_epoch,
                                                 const std::set<topic_partition>& partitions) {
    auto all = [&partitions](error_code e) {
        std::map<topic_partition, error_code> out;
        for (const auto& tp : partitions) out[tp] = e;
        return out;
    };
    if (transactional_id.empty()) return all(error_code::invalid_request);
    if (error_code e = partition_error(transactional_id); e != error_code::none) return all(e);
    txn_metadata* m = find(transactional_id);
    if (!m || m->v.producer_id != producer_id) return all(error_code::invalid_producer_id_mapping);
    if (m->v.producer_epoch != producer_epoch) return all(error_code::producer_fenced);
    if (m->v.state == txn_state::prepare_commit || m->v.state == txn_state::prepare_abort)
        return all(error_code::concurrent_transactions);
    // Pending transitions are not checked: the partition leader's append is validated again.
    std::map<topic_partition, error_code> out;
    for (const auto& tp : partitions)
        out[tp] = m->v.partitions.contains(tp) ? error_code::none : error_code::transaction_abortable;
    return out;
}

} // namespace sluice::txn
