// The public face of the transaction coordinator: version handling of the requests, routing
// to a transactional id's partition, and the one place records are written.
#include "txn/transaction_coordinator.h"

#include "base/assert.h"
#include "base/java_hash.h"
#include "txn/coordinator_impl.h"
#include "txn/state_records.h"

namespace sluice::txn {

int32_t partition_for(std::string_view transactional_id, int32_t partitions) noexcept {
    return java_hash_partition(transactional_id, partitions);
}

error_code append_error_to_response(error_code e) noexcept {
    switch (e) {
    case error_code::unknown_topic_or_partition:
    case error_code::not_enough_replicas:
    case error_code::not_enough_replicas_after_append:
    case error_code::request_timed_out: return error_code::coordinator_not_available;
    case error_code::not_leader_or_follower:
    case error_code::kafka_storage_error: return error_code::not_coordinator;
    case error_code::message_too_large:
    case error_code::record_list_too_large: return error_code::unknown_server_error;
    default: return e;
    }
}

// ---- impl: routing and writes ---------------------------------------------------------------

transaction_coordinator::impl::~impl() {
    *alive = false;
    timers.cancel(abort_timer);
    timers.cancel(expire_timer);
    for (auto& [id, m] : transactions)
        if (m->marker_timer != 0) timers.cancel(m->marker_timer);
}

int32_t transaction_coordinator::impl::partition_of(const std::string& transactional_id) const noexcept {
    return partition_for(transactional_id, config.state_partitions);
}

error_code transaction_coordinator::impl::partition_error(const std::string& transactional_id) const noexcept {
    auto it = partitions.find(partition_of(transactional_id));
    if (it == partitions.end()) return error_code::not_coordinator;
    if (it->second.status == load_status::loading) return error_code::coordinator_load_in_progress;
    return error_code::none;
}

txn_metadata* transaction_coordinator::impl::find(const std::string& transactional_id) noexcept {
    auto it = transactions.find(transactional_id);
    return it == transactions.end() ? nullptr : it->second.get();
}

bool transaction_coordinator::impl::still_loaded(int32_t partition, uint64_t load) const noexcept {
    auto it = partitions.find(partition);
    return it != partitions.end() && it->second.status == load_status::loaded && it->second.load == load;
}

uint64_t transaction_coordinator::impl::current_load(int32_t partition) const noexcept {
    auto it = partitions.find(partition);
    return it == partitions.end() ? 0 : it->second.load;
}

void transaction_coordinator::impl::write_transition(txn_metadata& m, txn_values target,
                                                     std::function<void(error_code)> then, error_code keep_pending_on) {
    SLUICE_ASSERT(m.pending && *m.pending == target.state, "write_transition without its prepared transition");
    int32_t partition = m.partition;
    uint64_t load = current_load(partition);
    std::string id = m.transactional_id;
    state_record record = transaction_record(id, target, config.state_value_version);
    std::vector<state_record> records;
    records.push_back(std::move(record));
    log.append(partition, std::move(records),
               [this, alive = alive, partition, load, id = std::move(id), target = std::move(target),
                then = std::move(then), keep_pending_on](error_code e) {
                   if (!*alive) return;
                   error_code answer = append_error_to_response(e);
                   txn_metadata* m = still_loaded(partition, load) ? find(id) : nullptr;
                   if (!m || m->pending != target.state) {
                       // Unloaded (or reloaded) meanwhile: whatever was written, the next
                       // coordinator replays it.
                       then(error_code::not_coordinator);
                       return;
                   }
                   if (answer == error_code::none) {
                       m->complete_transition(target);
                   } else if (answer != keep_pending_on) {
                       m->abort_transition();
                       // A new id whose first record failed leaves nothing behind (Kafka keeps
                       // the placeholder in its cache).
                       if (m->v.producer_epoch == model::no_producer_epoch) transactions.erase(id);
                   }
                   then(answer);
               });
}

// ---- public interface ------------------------------------------------------------------------

transaction_coordinator::transaction_coordinator(txn_config config, scheduler& timers, state_log& log,
                                                 producer_id_source& ids, marker_writer& markers)
    : _impl(std::make_unique<impl>(config, timers, log, ids, markers)) {
    _impl->schedule_abort_timed_out();
    _impl->schedule_remove_expired();
}

transaction_coordinator::~transaction_coordinator() = default;

void transaction_coordinator::begin_load(int32_t partition, int32_t coordinator_epoch) {
    _impl->begin_load(partition, coordinator_epoch);
}
void transaction_coordinator::replay(int32_t partition, byte_view key, std::optional<byte_view> value) {
    _impl->replay(partition, key, value);
}
void transaction_coordinator::complete_load(int32_t partition) { _impl->complete_load(partition); }
void transaction_coordinator::unload(int32_t partition) { _impl->unload(partition); }
bool transaction_coordinator::loaded(int32_t partition) const noexcept {
    auto it = _impl->partitions.find(partition);
    return it != _impl->partitions.end() && it->second.status == impl::load_status::loaded;
}
bool transaction_coordinator::loading() const noexcept {
    for (const auto& [p, e] : _impl->partitions)
        if (e.status == impl::load_status::loading) return true;
    return false;
}
uint64_t transaction_coordinator::skipped_records() const noexcept { return _impl->skipped; }

namespace {

// KIP-588: clients before these versions do not know PRODUCER_FENCED.
error_code fenced_for_version(error_code e, int16_t version, int16_t first_fenced_version) noexcept {
    return e == error_code::producer_fenced && version < first_fenced_version ? error_code::invalid_producer_epoch : e;
}

} // namespace

void transaction_coordinator::init_producer_id(int16_t version, const msg::init_producer_id_request& request,
                                               callback<msg::init_producer_id_response> done) {
    auto answer = [version, done = std::move(done)](msg::init_producer_id_response r) {
        r.error_code = fenced_for_version(r.error_code, version, 4);
        if (r.error_code != error_code::none) {
            r.producer_id = model::no_producer_id;
            r.producer_epoch = model::no_producer_epoch;
        }
        done(std::move(r));
    };
    auto error = [&answer](error_code e) {
        msg::init_producer_id_response r;
        r.error_code = e;
        answer(std::move(r));
    };
    if (!request.transactional_id || request.transactional_id->empty()) return error(error_code::invalid_request);
    impl::init_request r{*request.transactional_id, request.transaction_timeout_ms, std::nullopt};
    bool no_id = request.producer_id == model::no_producer_id;
    bool no_epoch = request.producer_epoch == model::no_producer_epoch;
    if (no_id != no_epoch) return error(error_code::invalid_request);
    if (!no_id) r.expected = std::pair{request.producer_id, request.producer_epoch};
    _impl->init_producer_id(r, std::move(answer));
}

namespace {

std::set<topic_partition> partition_set(
    const std::vector<msg::add_partitions_to_txn_request::add_partitions_to_txn_topic>& topics) {
    std::set<topic_partition> out;
    for (const auto& t : topics)
        for (auto p : t.partitions) out.insert({t.name, p.value()});
    return out;
}

std::vector<msg::add_partitions_to_txn_response::add_partitions_to_txn_topic_result>
topic_results(const std::set<topic_partition>& partitions, const std::function<error_code(const topic_partition&)>& error) {
    std::vector<msg::add_partitions_to_txn_response::add_partitions_to_txn_topic_result> out;
    for (const auto& tp : partitions) {
        if (out.empty() || out.back().name != tp.topic) {
            out.emplace_back();
            out.back().name = tp.topic;
        }
        auto& result = out.back().results_by_partition.emplace_back();
        result.partition_index = model::partition_id{tp.partition};
        result.partition_error_code = error(tp);
    }
    return out;
}

} // namespace

void transaction_coordinator::add_partitions_to_txn(int16_t version, const msg::add_partitions_to_txn_request& request,
                                                    callback<msg::add_partitions_to_txn_response> done) {
    if (version <= 3) {
        auto partitions = partition_set(request.v3_and_below_topics);
        _impl->add_partitions(request.v3_and_below_transactional_id, request.v3_and_below_producer_id,
                              request.v3_and_below_producer_epoch, partitions,
                              [version, partitions, done = std::move(done)](error_code e) {
                                  e = fenced_for_version(e, version, 2);
                                  msg::add_partitions_to_txn_response r;
                                  r.results_by_topic_v3_and_below =
                                      topic_results(partitions, [e](const topic_partition&) { return e; });
                                  done(std::move(r));
                              });
        return;
    }
    // Every transaction answered, gathered in request order.
    struct gather {
        msg::add_partitions_to_txn_response response;
        size_t remaining;
        callback<msg::add_partitions_to_txn_response> done;
    };
    auto g = std::make_shared<gather>();
    g->response.results_by_transaction.resize(request.transactions.size());
    g->remaining = request.transactions.size();
    g->done = std::move(done);
    if (g->remaining == 0) return g->done(std::move(g->response));
    for (size_t i = 0; i < request.transactions.size(); ++i) {
        add_partitions_one(version, request.transactions[i], [g, i](add_partitions_result r) {
            g->response.results_by_transaction[i] = std::move(r);
            if (--g->remaining == 0) g->done(std::move(g->response));
        });
    }
}

void transaction_coordinator::add_partitions_one(int16_t version, const add_partitions_transaction& t,
                                                 callback<add_partitions_result> done) {
    auto partitions = partition_set(t.topics);
    add_partitions_result result;
    result.transactional_id = t.transactional_id;
    if (t.verify_only) {
        auto errors = _impl->verify_partitions(t.transactional_id, t.producer_id, t.producer_epoch, partitions);
        result.topic_results = topic_results(partitions, [&errors](const topic_partition& tp) { return errors.at(tp); });
        return done(std::move(result));
    }
    _impl->add_partitions(t.transactional_id, t.producer_id, t.producer_epoch, partitions,
                          [partitions, result = std::move(result), done = std::move(done)](error_code e) mutable {
                              result.topic_results =
                                  topic_results(partitions, [e](const topic_partition&) { return e; });
                              done(std::move(result));
                          });
}

void transaction_coordinator::add_offsets_to_txn(int16_t version, const msg::add_offsets_to_txn_request& request,
                                                 callback<msg::add_offsets_to_txn_response> done) {
    topic_partition offsets{"__consumer_offsets",
                            java_hash_partition(request.group_id, _impl->config.offsets_topic_partitions)};
    _impl->add_partitions(request.transactional_id, request.producer_id, request.producer_epoch, {offsets},
                          [version, done = std::move(done)](error_code e) {
                              msg::add_offsets_to_txn_response r;
                              r.error_code = fenced_for_version(e, version, 2);
                              done(std::move(r));
                          });
}

void transaction_coordinator::end_txn(int16_t version, const msg::end_txn_request& request,
                                      callback<msg::end_txn_response> done) {
    _impl->end_transaction(
        request.transactional_id, request.producer_id, request.producer_epoch, request.committed, true,
        [version, producer_id = request.producer_id, epoch = request.producer_epoch, done = std::move(done)](error_code e) {
            msg::end_txn_response r;
            r.error_code = fenced_for_version(e, version, 2);
            if (version >= 5 && e == error_code::none) {
                // Transaction version 2 would answer the bumped epoch; without it, the same.
                r.producer_id = producer_id;
                r.producer_epoch = epoch;
            }
            done(std::move(r));
        });
}

void transaction_coordinator::describe_transaction(const std::string& transactional_id,
                                                   callback<described_transaction> done) {
    done(_impl->describe(transactional_id));
}

std::vector<transaction_coordinator::listed_transaction>
transaction_coordinator::list_transactions(const std::vector<std::string>& state_filters,
                                           const std::vector<model::producer_id>& producer_id_filters,
                                           int64_t duration_filter_ms) const {
    return _impl->list(state_filters, producer_id_filters, duration_filter_ms);
}

std::vector<std::string> transaction_coordinator::unknown_state_filters(const std::vector<std::string>& state_filters) {
    std::vector<std::string> out;
    for (const auto& s : state_filters)
        if (!state_from_name(s)) out.push_back(s);
    return out;
}

} // namespace sluice::txn
