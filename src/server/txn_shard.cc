#include "server/txn_shard.h"

#include <map>

#include <asio/post.hpp>

#include "base/log.h"
#include "protocol/record_reader.h"
#include "server/broker_context.h"
#include "server/group_shard.h"
#include "server/internal_partition.h"
#include "server/producer_id_pool.h"
#include "server/shard_partitions.h"

namespace sluice::server {

using protocol::error_code;

txn::txn_config txn_config_from(const storage::properties& p) {
    txn::txn_config c;
    auto i32 = [&p](std::string_view key, int32_t fallback) {
        return static_cast<int32_t>(storage::property_int(p, key, fallback));
    };
    c.state_partitions = i32("transaction.state.log.num.partitions", c.state_partitions);
    c.max_timeout_ms = i32("transaction.max.timeout.ms", c.max_timeout_ms);
    c.id_expiration_ms = storage::property_int(p, "transactional.id.expiration.ms", c.id_expiration_ms);
    c.abort_timed_out_interval_ms = storage::property_int(
        p, "transaction.abort.timed.out.transaction.cleanup.interval.ms", c.abort_timed_out_interval_ms);
    c.remove_expired_interval_ms = storage::property_int(
        p, "transaction.remove.expired.transaction.cleanup.interval.ms", c.remove_expired_interval_ms);
    c.offsets_topic_partitions = i32("offsets.topic.num.partitions", c.offsets_topic_partitions);
    return c;
}

namespace {

using marker_results = std::vector<std::pair<txn::topic_partition, error_code>>;

error_code marker_error(storage::producer_check_errc e) noexcept {
    switch (e) {
    case storage::producer_check_errc::ok: return error_code::none;
    case storage::producer_check_errc::invalid_producer_epoch: return error_code::invalid_producer_epoch;
    case storage::producer_check_errc::coordinator_fenced: return error_code::transaction_coordinator_fenced;
    default: return error_code::unknown_server_error; // append_marker refuses with no other reason
    }
}

// On the shard owning every partition of `partitions`: appends the marker to each, waits until
// the markers are durable, wakes the partitions' fetches, tells the group coordinator of
// __consumer_offsets partitions, and calls done (on this shard) with one error per partition.
void write_markers_on(shard_partitions& shard, storage::txn_marker marker, std::vector<txn::topic_partition> partitions,
                      std::function<void(std::vector<error_code>)> done) {
    struct pending {
        std::vector<error_code> errors;
        size_t waiting = 1; // released after the loop: done runs once, after every wait
        std::function<void(std::vector<error_code>)> done;
    };
    auto state = std::make_shared<pending>();
    state->errors.assign(partitions.size(), error_code::none);
    state->done = std::move(done);
    auto finish = [&shard, marker, partitions, state] {
        if (--state->waiting > 0) return;
        for (size_t i = 0; i < partitions.size(); ++i) {
            if (state->errors[i] != error_code::none) continue;
            const txn::topic_partition& tp = partitions[i];
            partition* p = shard.lookup(tp.topic, tp.partition);
            if (p == nullptr) continue; // deleted meanwhile: nothing waits on it any more
            shard.appended(*p);
            // Kafka 4.0: the group coordinator learns of the marker once it is written
            // (GroupCoordinator.onTransactionCompleted) and commits or drops the offsets.
            if (tp.topic == consumer_offsets_topic)
                shard.groups().complete_transaction(tp.partition, marker.producer_id, marker.commit);
        }
        state->done(std::move(state->errors));
    };
    for (size_t i = 0; i < partitions.size(); ++i) {
        const txn::topic_partition& tp = partitions[i];
        partition* p = shard.find(tp.topic, tp.partition);
        if (p == nullptr) {
            state->errors[i] = error_code::unknown_topic_or_partition;
            continue;
        }
        auto appended = p->log->log->append_marker(marker, model::leader_epoch{0});
        if (!appended) {
            log::error("{}: appending a transaction marker: {}", p->tp.dir_name(), storage::to_string(appended.error()));
            state->errors[i] = error_code::kafka_storage_error; // the coordinator retries
            continue;
        }
        if (appended->error != storage::producer_check_errc::ok) {
            state->errors[i] = marker_error(appended->error);
            continue;
        }
        p->log->syncer->appended();
        ++state->waiting;
        p->log->syncer->wait_durable(model::offset{appended->offset.value() + 1},
                                     [state, i, finish](storage::storage_errc e) {
                                         if (e != storage::storage_errc::none) state->errors[i] = error_code::kafka_storage_error;
                                         finish();
                                     });
    }
    finish();
}

} // namespace

txn_shard::txn_shard(shard_partitions& shard, const broker_context& ctx, asio::any_io_executor executor,
                     txn::txn_config config)
    : _shard(shard), _ctx(ctx), _executor(executor), _scheduler(std::move(executor)),
      _coordinator(std::make_unique<txn::transaction_coordinator>(config, _scheduler, *this, *this, *this)) {}

txn_shard::~txn_shard() {
    // The coordinator's destructor cancels its timers: it goes before the scheduler.
    _coordinator.reset();
}

void txn_shard::append(int32_t index, std::vector<txn::state_record> records, std::function<void(error_code)> done) {
    partition* p = _stopped || !_loaded.contains(index) ? nullptr : _shard.lookup(transaction_state_topic, index);
    if (p == nullptr) {
        asio::post(_executor, [done = std::move(done)] { done(error_code::not_coordinator); });
        return;
    }
    std::vector<internal_record> views;
    views.reserve(records.size());
    for (const auto& r : records)
        views.push_back({byte_view(r.key), r.value ? std::optional<byte_view>(byte_view(*r.value)) : std::nullopt});
    append_durably(_shard, *p, protocol::batch_builder_options{}, views, _scheduler.now_ms(), _executor, std::move(done));
}

void txn_shard::next_producer_id(std::function<void(error_code, model::producer_id)> done) {
    // The pool may answer inside next(): post, so the coordinator is never re-entered.
    _shard.producer_ids().next([executor = _executor, done = std::move(done)](error_code e, model::producer_id id) {
        asio::post(executor, [done, e, id] { done(e, id); });
    });
}

void txn_shard::write_markers(txn::marker_request request, std::function<void(marker_results)> done) {
    struct gather {
        marker_results results;
        size_t owners_left = 0;
        std::function<void(marker_results)> done;
    };
    auto g = std::make_shared<gather>(); // touched on this shard only
    g->done = std::move(done);
    std::map<net::shard_id, std::vector<size_t>> by_owner;
    for (size_t i = 0; i < request.partitions.size(); ++i) {
        g->results.emplace_back(request.partitions[i], error_code::none);
        by_owner[_ctx.owner_of(request.partitions[i].topic, request.partitions[i].partition)].push_back(i);
    }
    if (by_owner.empty()) {
        asio::post(_executor, [g] { g->done(std::move(g->results)); });
        return;
    }
    g->owners_left = by_owner.size();
    const storage::txn_marker marker{request.producer_id, request.producer_epoch, request.coordinator_epoch, request.commit};
    const net::shard_id home = _shard.shard();
    net::smp& smp = *_ctx.shards;
    const broker_context* ctx = &_ctx;
    for (auto& [owner, indexes] : by_owner) {
        std::vector<txn::topic_partition> partitions;
        for (size_t i : indexes) partitions.push_back(request.partitions[i]);
        // Explicit cross-shard work (DESIGN.md §2): the append on the owner, the answer back here.
        smp.post_to(owner, [ctx, owner, home, marker, partitions = std::move(partitions), indexes, g]() mutable {
            write_markers_on(*ctx->partitions[owner], marker, std::move(partitions),
                             [ctx, home, indexes = std::move(indexes), g](std::vector<error_code> errors) mutable {
                                 ctx->shards->post_to(home, [indexes = std::move(indexes), g,
                                                             errors = std::move(errors)] {
                                     for (size_t k = 0; k < indexes.size(); ++k) g->results[indexes[k]].second = errors[k];
                                     if (--g->owners_left == 0) g->done(std::move(g->results));
                                 });
                             });
        });
    }
}

void txn_shard::load(int32_t index, partition& p, int32_t coordinator_epoch) {
    _coordinator->begin_load(index, coordinator_epoch);
    size_t records = 0;
    const std::string name = std::string(transaction_state_topic) + "-" + std::to_string(index);
    replay_log(*p.log->log, name, [&](const protocol::record_batch_view& batch, byte_view section) {
        if (batch.is_control()) return; // the coordinator writes no transactions of its own here
        protocol::record_reader reader(section);
        protocol::record_view record;
        while (reader.next(record)) {
            if (!record.key) continue;
            _coordinator->replay(index, *record.key, record.value);
            ++records;
        }
    });
    _loaded.insert(index);
    _coordinator->complete_load(index);
    log::debug("{}: {} record(s) replayed", name, records);
}

void txn_shard::reconcile(const cluster::image_ptr& image) {
    if (_stopped) return;
    const std::set<int32_t> owned =
        owned_partitions(_shard, transaction_state_topic, _loaded, [this](int32_t index) { _coordinator->unload(index); });
    const cluster::topic_image* topic = image->find(transaction_state_topic);
    for (int32_t index : owned) {
        if (_loaded.contains(index)) continue;
        partition* p = _shard.lookup(transaction_state_topic, index);
        if (p == nullptr) continue;
        // The coordinator epoch markers carry is the partition's leader epoch (Kafka's
        // coordinatorEpoch), so a later coordinator's markers fence an earlier one's.
        int32_t epoch = 0;
        if (topic && static_cast<size_t>(index) < topic->partitions.size()) epoch = topic->partitions[index].leader_epoch;
        load(index, *p, epoch);
    }
}

void txn_shard::shutdown() {
    if (_stopped) return;
    for (int32_t index : _loaded) _coordinator->unload(index);
    _loaded.clear();
    _stopped = true;
}

} // namespace sluice::server
