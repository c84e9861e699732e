// The two periodic jobs of Kafka 4.0's transaction coordinator: aborting transactions open
// longer than their timeout (abortTimedOutTransactions: the producer is fenced with an epoch
// bump) and removing transactional ids idle for transactional.id.expiration.ms
// (removeExpiredTransactionalIds: a tombstone each).
#include "base/log.h"
#include "txn/coordinator_impl.h"
#include "txn/state_records.h"

namespace sluice::txn {

void transaction_coordinator::impl::schedule_abort_timed_out() {
    abort_timer = timers.schedule(config.abort_timed_out_interval_ms, [this] {
        abort_timed_out_transactions();
        schedule_abort_timed_out();
    });
}

void transaction_coordinator::impl::schedule_remove_expired() {
    expire_timer = timers.schedule(config.remove_expired_interval_ms, [this] {
        remove_expired_transactional_ids();
        schedule_remove_expired();
    });
}

void transaction_coordinator::impl::abort_timed_out_transactions() {
    int64_t now = timers.now_ms();
    std::vector<std::pair<std::string, model::producer_epoch>> timed_out;
    for (const auto& [id, m] : transactions) {
        if (!still_loaded(m->partition, current_load(m->partition)) || m->pending_transition()) continue;
        if (m->v.state != txn_state::ongoing || m->v.start_timestamp_ms + m->v.timeout_ms >= now) continue;
        timed_out.emplace_back(id, m->v.producer_epoch);
    }
    for (const auto& [id, epoch] : timed_out) {
        txn_metadata* m = find(id);
        if (!m || epoch.value() == INT16_MAX) continue; // cannot fence past Short.MaxValue
        model::producer_epoch fence{static_cast<int16_t>(epoch.value() + 1)};
        end_transaction(id, m->v.producer_id, fence, false, false, [id](error_code e) {
            if (e == error_code::none)
                log::info("transaction {}: timed out, aborted", id);
            else
                log::debug("transaction {}: aborting it after its timeout failed ({})", id, protocol::name(e));
        });
    }
}

void transaction_coordinator::impl::remove_expired_transactional_ids() {
    int64_t now = timers.now_ms();
    std::map<int32_t, std::vector<std::string>> expired; // by partition
    for (const auto& [id, m] : transactions) {
        if (!still_loaded(m->partition, current_load(m->partition)) || m->pending_transition()) continue;
        if (!expiration_allowed(m->v.state) || m->v.last_update_timestamp_ms > now - config.id_expiration_ms) continue;
        m->prepare_dead();
        expired[m->partition].push_back(id);
    }
    for (auto& [partition, ids] : expired) {
        std::vector<state_record> tombstones;
        for (const auto& id : ids) tombstones.push_back(transaction_tombstone(id));
        uint64_t load = current_load(partition);
        log.append(partition, std::move(tombstones),
                   [this, alive = alive, partition, load, ids = std::move(ids)](error_code e) {
                       if (!*alive || !still_loaded(partition, load)) return;
                       for (const auto& id : ids) {
                           txn_metadata* m = find(id);
                           if (!m || m->pending != txn_state::dead) continue;
                           if (e == error_code::none) {
                               transactions.erase(id);
                           } else {
                               m->abort_transition();
                           }
                       }
                       if (e != error_code::none)
                           log::warn("__transaction_state-{}: expiring {} transactional ids failed ({})", partition,
                                     ids.size(), protocol::name(e));
                   });
    }
}

} // namespace sluice::txn
