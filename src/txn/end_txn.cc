// EndTxn and what follows it (Kafka 4.0 TransactionCoordinator.endTransaction and
// TransactionMarkerChannelManager): PrepareCommit/PrepareAbort is written, the client is
// answered, a COMMIT/ABORT marker is written to every partition of the transaction, then
// CompleteCommit/CompleteAbort. Failed markers are retried after a back-off; deleted
// partitions are dropped from the transaction.
#include "base/assert.h"
#include "base/log.h"
#include "txn/coordinator_impl.h"

namespace sluice::txn {

void transaction_coordinator::impl::end_transaction(const std::string& transactional_id,
                                                    model::producer_id producer_id,
                                                    model::producer_epoch producer_epoch, bool commit,
                                                    bool from_client, std::function<void(error_code)> done) {
    if (transactional_id.empty()) return done(error_code::invalid_request);
    if (error_code e = partition_error(transactional_id); e != error_code::none) return done(e);
    txn_metadata* m = find(transactional_id);
    if (!m || m->v.producer_id != producer_id) return done(error_code::invalid_producer_id_mapping);
    // Clients must use the current epoch; fencing (not from a client) uses a higher one.
    if ((from_client && producer_epoch != m->v.producer_epoch) || producer_epoch < m->v.producer_epoch)
        return done(error_code::producer_fenced);
    if (m->pending_transition()) return done(error_code::concurrent_transactions);
    auto same = [commit](bool is_commit_state) { return is_commit_state == commit; };
    switch (m->v.state) {
    case txn_state::ongoing: break;
    // A retry of an EndTxn that completed, or is completing.
    case txn_state::complete_commit:
    case txn_state::complete_abort:
        return done(same(m->v.state == txn_state::complete_commit) ? error_code::none : error_code::invalid_txn_state);
    case txn_state::prepare_commit:
    case txn_state::prepare_abort:
        return done(same(m->v.state == txn_state::prepare_commit) ? error_code::concurrent_transactions
                                                                 : error_code::invalid_txn_state);
    case txn_state::empty: return done(error_code::invalid_txn_state);
    case txn_state::dead:
    case txn_state::prepare_epoch_fence: SLUICE_ASSERT(false, "a transactional id can never be in this state");
    }
    std::optional<model::producer_epoch> fence;
    if (producer_epoch != m->v.producer_epoch) fence = producer_epoch; // KIP-98 epoch fence, folded in
    txn_values target = m->prepare_abort_or_commit(commit ? txn_state::prepare_commit : txn_state::prepare_abort,
                                                   timers.now_ms(), fence);
    uint64_t load = current_load(m->partition);
    write_transition(*m, std::move(target),
                     [this, id = transactional_id, load, done = std::move(done)](error_code e) {
                         if (e != error_code::none) return done(e);
                         // Durable: the client may go on; the markers follow.
                         done(error_code::none);
                         send_markers(id, load);
                     });
}

void transaction_coordinator::impl::retry_later(txn_metadata& m, std::function<void()> fn) {
    if (m.marker_timer != 0) timers.cancel(m.marker_timer);
    m.marker_timer = timers.schedule(config.marker_retry_backoff_ms, std::move(fn));
}

void transaction_coordinator::impl::send_markers(const std::string& transactional_id, uint64_t load) {
    txn_metadata* m = find(transactional_id);
    if (!m || !still_loaded(m->partition, load) || m->pending_transition()) return;
    if (m->v.state != txn_state::prepare_commit && m->v.state != txn_state::prepare_abort) return;
    m->marker_timer = 0;
    if (m->v.partitions.empty()) return complete_transaction(transactional_id, load);
    marker_request request;
    request.producer_id = m->v.producer_id;
    request.producer_epoch = m->v.producer_epoch;
    request.coordinator_epoch = partitions.at(m->partition).coordinator_epoch;
    request.commit = m->v.state == txn_state::prepare_commit;
    request.partitions.assign(m->v.partitions.begin(), m->v.partitions.end());
    model::producer_id producer_id = request.producer_id;
    model::producer_epoch producer_epoch = request.producer_epoch;
    markers.write_markers(std::move(request), [this, alive = alive, id = transactional_id, load, producer_id,
                                               producer_epoch](std::vector<std::pair<topic_partition, error_code>> r) {
        if (!*alive) return;
        on_markers_written(id, load, producer_id, producer_epoch, r);
    });
}

void transaction_coordinator::impl::on_markers_written(const std::string& transactional_id, uint64_t load,
                                                       model::producer_id producer_id,
                                                       model::producer_epoch producer_epoch,
                                                       const std::vector<std::pair<topic_partition, error_code>>& results) {
    txn_metadata* m = find(transactional_id);
    if (!m || !still_loaded(m->partition, load) || m->v.producer_id != producer_id ||
        m->v.producer_epoch != producer_epoch || m->pending_transition())
        return;
    if (m->v.state != txn_state::prepare_commit && m->v.state != txn_state::prepare_abort) return;
    bool stop = false;
    for (const auto& [tp, e] : results) {
        switch (e) {
        case error_code::none: m->v.partitions.erase(tp); break;
        case error_code::unknown_topic_or_partition:
            // The partition was deleted: nothing to mark (Kafka skips partitions without a leader).
            log::info("transaction {}: partition {}-{} is gone, no marker written", transactional_id, tp.topic,
                      tp.partition);
            m->v.partitions.erase(tp);
            break;
        case error_code::invalid_producer_epoch:
        case error_code::transaction_coordinator_fenced:
            // A newer producer epoch or coordinator owns the partition's markers now.
            log::info("transaction {}: markers to {}-{} stopped ({})", transactional_id, tp.topic, tp.partition,
                      protocol::name(e));
            stop = true;
            break;
        default: break; // retried
        }
    }
    if (stop) return;
    if (m->v.partitions.empty()) return complete_transaction(transactional_id, load);
    retry_later(*m, [this, id = transactional_id, load] { send_markers(id, load); });
}

void transaction_coordinator::impl::complete_transaction(const std::string& transactional_id, uint64_t load) {
    txn_metadata* m = find(transactional_id);
    txn_values target = m->prepare_complete(timers.now_ms());
    write_completion(transactional_id, load, std::move(target));
}

// Kafka retries a Complete* append that failed with COORDINATOR_NOT_AVAILABLE (the pending
// transition kept); any other failure leaves the transaction in Prepare* until the next
// coordinator resumes it.
void transaction_coordinator::impl::write_completion(const std::string& transactional_id, uint64_t load,
                                                     txn_values target) {
    txn_metadata* m = find(transactional_id);
    if (!m || !still_loaded(m->partition, load)) return;
    write_transition(
        *m, target,
        [this, id = transactional_id, load, target](error_code e) {
            if (e == error_code::none || e == error_code::not_coordinator) return;
            if (e != error_code::coordinator_not_available) {
                log::warn("transaction {}: writing its completion failed ({})", id, protocol::name(e));
                return;
            }
            txn_metadata* m = find(id);
            if (!m || !still_loaded(m->partition, load)) return;
            retry_later(*m, [this, id, load, target] {
                if (txn_metadata* m = find(id)) m->marker_timer = 0;
                write_completion(id, load, target);
            });
        },
        error_code::coordinator_not_available);
}

} // namespace sluice::txn
