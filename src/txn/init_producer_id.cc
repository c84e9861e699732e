// InitProducerId for a transactional id (Kafka 4.0 TransactionCoordinator.handleInitProducerId
// and prepareInitProducerIdTransit): a new id gets a producer id at epoch 0, an existing one
// an epoch bump, an ongoing transaction is aborted first with the producer fenced (the client
// retries and gets CONCURRENT_TRANSACTIONS until the abort completes), an exhausted epoch a
// new producer id. KIP-360: a producer stating its id and epoch is fenced unless it is the
// current one, or retries a bump that succeeded.
#include "base/assert.h"
#include "txn/coordinator_impl.h"

namespace sluice::txn {

namespace {

msg::init_producer_id_response init_error(error_code e) {
    msg::init_producer_id_response r;
    r.error_code = e;
    r.producer_id = model::no_producer_id;
    r.producer_epoch = model::no_producer_epoch;
    return r;
}

} // namespace

void transaction_coordinator::impl::init_producer_id(const init_request& request, init_done done) {
    if (request.timeout_ms <= 0 || request.timeout_ms > config.max_timeout_ms)
        return done(init_error(error_code::invalid_transaction_timeout));
    if (error_code e = partition_error(request.transactional_id); e != error_code::none) return done(init_error(e));
    if (find(request.transactional_id)) return continue_init(request, std::nullopt, std::move(done));
    with_fresh_producer_id(request, std::move(done));
}

// Asks for a producer id, then continues with it, the metadata created if still missing
// (Kafka's putTransactionStateIfNotExists: a concurrent request may have created it).
void transaction_coordinator::impl::with_fresh_producer_id(const init_request& request, init_done done) {
    int32_t partition = partition_of(request.transactional_id);
    uint64_t load = current_load(partition);
    ids.next_producer_id([this, alive = alive, partition, load, request, done = std::move(done)](
                             error_code e, model::producer_id id) {
        if (!*alive) return;
        if (e != error_code::none) return done(init_error(e));
        if (!still_loaded(partition, load)) return done(init_error(error_code::not_coordinator));
        if (!find(request.transactional_id)) {
            txn_values v;
            v.producer_id = id;
            v.timeout_ms = request.timeout_ms;
            v.last_update_timestamp_ms = timers.now_ms();
            transactions[request.transactional_id] =
                std::make_unique<txn_metadata>(request.transactional_id, partition, std::move(v));
        }
        continue_init(request, id, done);
    });
}

void transaction_coordinator::impl::continue_init(const init_request& request, std::optional<model::producer_id> fresh_id,
                                                  init_done done) {
    txn_metadata& m = *find(request.transactional_id);
    const txn_values& v = m.v;
    if (m.pending_transition()) return done(init_error(error_code::concurrent_transactions));
    if (request.expected) {
        auto [expected_id, expected_epoch] = *request.expected;
        // Not fenced: the metadata was just created (a producer recovering from
        // UNKNOWN_PRODUCER_ID), the id is the current one (the epoch is checked by the bump),
        // or the previous one with an exhausted epoch (a retry after a rotation).
        bool valid = v.producer_epoch == model::no_producer_epoch || expected_id == v.producer_id ||
                     (expected_id == v.previous_producer_id && epoch_exhausted(expected_epoch));
        if (!valid) return done(init_error(error_code::producer_fenced));
    }
    switch (v.state) {
    case txn_state::prepare_abort:
    case txn_state::prepare_commit: return done(init_error(error_code::concurrent_transactions));
    case txn_state::ongoing: {
        // Abort the transaction with the epoch bumped (fencing the producer); that epoch is
        // never returned: the client retries, which bumps once more (or rotates the id).
        model::producer_epoch fence{static_cast<int16_t>(v.producer_epoch.value() + 1)};
        end_transaction(request.transactional_id, v.producer_id, fence, false, false,
                        [done = std::move(done)](error_code e) {
                            done(init_error(e == error_code::none ? error_code::concurrent_transactions : e));
                        });
        return;
    }
    case txn_state::empty:
    case txn_state::complete_commit:
    case txn_state::complete_abort: break;
    case txn_state::dead:
    case txn_state::prepare_epoch_fence: SLUICE_ASSERT(false, "a transactional id can never be in this state");
    }
    txn_values target;
    if (epoch_exhausted(v.producer_epoch) &&
        (!request.expected || request.expected->second == v.producer_epoch)) {
        if (!fresh_id) return with_fresh_producer_id(request, std::move(done));
        target = m.prepare_producer_id_rotation(*fresh_id, request.timeout_ms, timers.now_ms(), request.expected.has_value());
    } else if (epoch_exhausted(v.producer_epoch)) {
        // An older epoch of an exhausted producer: only the bump that exhausted it may be retried.
        if (request.expected->second != v.last_producer_epoch) return done(init_error(error_code::producer_fenced));
        error_code e = m.prepare_increment_epoch(request.timeout_ms, request.expected->second, timers.now_ms(), target);
        if (e != error_code::none) return done(init_error(e));
    } else {
        std::optional<model::producer_epoch> expected_epoch;
        if (request.expected) expected_epoch = request.expected->second;
        error_code e = m.prepare_increment_epoch(request.timeout_ms, expected_epoch, timers.now_ms(), target);
        if (e != error_code::none) return done(init_error(e));
    }
    model::producer_id id = target.producer_id;
    model::producer_epoch epoch = target.producer_epoch;
    write_transition(m, std::move(target), [id, epoch, done = std::move(done)](error_code e) {
        if (e != error_code::none) return done(init_error(e));
        msg::init_producer_id_response r;
        r.producer_id = id;
        r.producer_epoch = epoch;
        done(std::move(r));
    });
}

} // namespace sluice::txn
