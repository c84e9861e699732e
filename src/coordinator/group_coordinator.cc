#include "coordinator/group_coordinator.h"

#include "base/assert.h"
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

error_code append_error_to_response(error_code e) noexcept {
    switch (e) {
    case error_code::unknown_topic_or_partition:
    case error_code::not_enough_replicas:
    case error_code::not_enough_replicas_after_append:
    case error_code::request_timed_out: return error_code::coordinator_not_available;
    case error_code::not_leader_or_follower:
    case error_code::kafka_storage_error: return error_code::not_coordinator;
    case error_code::message_too_large:
    case error_code::record_list_too_large:
    case error_code::invalid_fetch_size: return error_code::unknown_server_error;
    default: return e;
    }
}

// ---- impl: routing, groups, timers, writes ---------------------------------------------------

group_coordinator::impl::~impl() {
    for (auto& [key, t] : keyed_timers) timers.cancel(t.id);
    if (retention_timer != 0) timers.cancel(retention_timer);
}

int32_t group_coordinator::impl::partition_of(const std::string& group_id) const noexcept {
    return partition_for(group_id, config.offsets_topic_partitions);
}

error_code group_coordinator::impl::partition_error(const std::string& group_id) const noexcept {
    auto it = partitions.find(partition_of(group_id));
    if (it == partitions.end()) return error_code::not_coordinator;
    if (it->second.status == load_status::loading) return error_code::coordinator_load_in_progress;
    return error_code::none;
}

classic_group* group_coordinator::impl::find_group(const std::string& group_id) noexcept {
    auto it = groups.find(group_id);
    return it == groups.end() ? nullptr : it->second.get();
}

classic_group& group_coordinator::impl::create_group(const std::string& group_id) {
    auto& slot = groups[group_id];
    if (!slot) slot = std::make_unique<classic_group>(group_id, partition_of(group_id), timers.now_ms());
    return *slot;
}

void group_coordinator::impl::drop_group(const std::string& group_id) {
    classic_group* g = find_group(group_id);
    if (!g) return;
    std::vector<parked_join> joins;
    std::vector<parked_sync> syncs;
    for (const auto& m : g->members()) {
        if (auto j = g->take_join(*m)) joins.push_back(std::move(*j));
        if (auto s = g->take_sync(*m)) syncs.push_back(std::move(*s));
    }
    g->transition_to(group_state::dead, timers.now_ms());
    for (auto it = keyed_timers.begin(); it != keyed_timers.end();) {
        if (it->second.group_id == group_id) {
            timers.cancel(it->second.id);
            it = keyed_timers.erase(it);
        } else {
            ++it;
        }
    }
    groups.erase(group_id);
    for (auto& j : joins) {
        msg::join_group_response r;
        r.error_code = error_code::not_coordinator;
        answer_join(j, std::move(r));
    }
    for (auto& s : syncs) {
        msg::sync_group_response r;
        r.error_code = error_code::not_coordinator;
        answer_sync(s, std::move(r));
    }
}

// Keys are length-prefixed so that no two (group, member) pairs share one.
std::string group_coordinator::impl::heartbeat_key(const std::string& group_id, const std::string& member_id) {
    return "heartbeat/" + std::to_string(group_id.size()) + "/" + group_id + "/" + member_id;
}
std::string group_coordinator::impl::join_key(const std::string& group_id) { return "join/" + group_id; }
std::string group_coordinator::impl::sync_key(const std::string& group_id) { return "sync/" + group_id; }

void group_coordinator::impl::schedule(const std::string& key, const std::string& group_id, int64_t delay_ms,
                                       std::function<void()> fn) {
    cancel(key);
    uint64_t sequence = ++timer_sequence;
    std::weak_ptr<bool> token = alive;
    uint64_t id = timers.schedule(delay_ms, [this, token, key, sequence, fn = std::move(fn)]() {
        if (token.expired()) return;
        auto it = keyed_timers.find(key);
        if (it == keyed_timers.end() || it->second.sequence != sequence) return;
        keyed_timers.erase(it);
        fn();
    });
    keyed_timers[key] = keyed_timer{id, sequence, group_id};
}

void group_coordinator::impl::cancel(const std::string& key) {
    auto it = keyed_timers.find(key);
    if (it == keyed_timers.end()) return;
    timers.cancel(it->second.id);
    keyed_timers.erase(it);
}

std::function<void(error_code)> group_coordinator::impl::guard_write(int32_t partition,
                                                                    std::function<void(error_code)> done) {
    auto it = partitions.find(partition);
    uint64_t epoch = it == partitions.end() ? 0 : it->second.epoch;
    std::weak_ptr<bool> token = alive;
    return [this, token, partition, epoch, done = std::move(done)](error_code e) {
        if (token.expired()) return;
        auto p = partitions.find(partition);
        bool current = p != partitions.end() && p->second.epoch == epoch && p->second.status == load_status::loaded;
        done(current ? e : error_code::not_coordinator);
    };
}

uint64_t group_coordinator::impl::write(int32_t partition, std::vector<offsets_record> records,
                                        std::function<void(error_code)> done) {
    const uint64_t first = next_log_order;
    next_log_order += records.size();
    log.append(partition, std::move(records), guard_write(partition, std::move(done)));
    return first;
}

uint64_t group_coordinator::impl::write_transactional(int32_t partition, model::producer_id producer_id,
                                                      model::producer_epoch producer_epoch,
                                                      std::vector<offsets_record> records,
                                                      std::function<void(error_code)> done) {
    const uint64_t first = next_log_order;
    next_log_order += records.size();
    log.append_transactional(partition, producer_id, producer_epoch, std::move(records),
                             guard_write(partition, std::move(done)));
    return first;
}

msg::group_metadata_value group_coordinator::impl::group_metadata(
    const classic_group& g, const std::map<std::string, byte_buffer>& assignment) const {
    msg::group_metadata_value v;
    v.protocol_type = g.protocol_type().value_or("");
    v.generation = g.generation();
    v.protocol = g.protocol_name();
    v.leader = g.leader();
    v.current_state_timestamp = g.current_state_timestamp().value_or(-1);
    for (const auto& m : g.members()) {
        const byte_buffer* subscription = g.protocol_name() ? m->metadata(*g.protocol_name()) : nullptr;
        SLUICE_ASSERT(subscription != nullptr, "group metadata with members needs a selected protocol");
        msg::group_metadata_value::member_metadata mm;
        mm.member_id = m->member_id;
        mm.group_instance_id = m->group_instance_id;
        mm.client_id = m->client_id;
        mm.client_host = m->client_host;
        mm.rebalance_timeout = m->rebalance_timeout_ms;
        mm.session_timeout = m->session_timeout_ms;
        mm.subscription = *subscription;
        auto a = assignment.find(m->member_id);
        if (a != assignment.end()) mm.assignment = a->second;
        v.members.push_back(std::move(mm));
    }
    return v;
}

// ---- public API ------------------------------------------------------------------------------

group_coordinator::group_coordinator(group_config config, scheduler& timers, offsets_log& log)
    : _impl(std::make_unique<impl>(config, timers, log)) {}

group_coordinator::~group_coordinator() = default;

void group_coordinator::begin_load(int32_t partition) {
    _impl->unload(partition);
    _impl->partitions[partition] = impl::partition_entry{impl::load_status::loading, _impl->next_epoch++};
}

void group_coordinator::replay(int32_t partition, model::producer_id producer_id, byte_view key,
                               std::optional<byte_view> value) {
    _impl->replay(partition, producer_id.value(), key, value);
}

void group_coordinator::replay_end_txn(int32_t partition, model::producer_id producer_id, bool commit) {
    auto p = _impl->partitions.find(partition);
    SLUICE_ASSERT(p != _impl->partitions.end() && p->second.status == impl::load_status::loading,
                  "replay_end_txn() only between begin_load() and complete_load()");
    _impl->end_transaction(partition, producer_id.value(), commit);
}

void group_coordinator::complete_load(int32_t partition) { _impl->complete_load(partition); }
void group_coordinator::unload(int32_t partition) { _impl->unload(partition); }

bool group_coordinator::loading() const noexcept {
    for (const auto& [p, entry] : _impl->partitions)
        if (entry.status == impl::load_status::loading) return true;
    return false;
}

bool group_coordinator::loaded(int32_t partition) const noexcept {
    auto it = _impl->partitions.find(partition);
    return it != _impl->partitions.end() && it->second.status == impl::load_status::loaded;
}

uint64_t group_coordinator::skipped_records() const noexcept { return _impl->skipped; }

void group_coordinator::join_group(int16_t version, msg::join_group_request request, client_info client,
                                   callback<msg::join_group_response> done) {
    _impl->join_group(version, std::move(request), std::move(client), parked_join{version, std::move(done)});
}

void group_coordinator::sync_group(int16_t version, msg::sync_group_request request,
                                   callback<msg::sync_group_response> done) {
    _impl->sync_group(version, std::move(request), parked_sync{version, std::move(done)});
}

void group_coordinator::heartbeat(int16_t version, const msg::heartbeat_request& request,
                                  callback<msg::heartbeat_response> done) {
    done(_impl->heartbeat(request));
}

void group_coordinator::leave_group(int16_t version, const msg::leave_group_request& request,
                                    callback<msg::leave_group_response> done) {
    done(_impl->leave_group(version, request));
}

void group_coordinator::consumer_group_heartbeat(int16_t version, msg::consumer_group_heartbeat_request request,
                                                 client_info client, topics_snapshot topics,
                                                 callback<msg::consumer_group_heartbeat_response> done) {
    if (topics) _impl->topics = std::move(topics);
    std::string group_id = request.group_id;
    _impl->enqueue_consumer_op(group_id, [impl = _impl.get(), version, request = std::move(request),
                                          client = std::move(client), done = std::move(done)](
                                             std::function<void()> release) mutable {
        impl->consumer_group_heartbeat(version, std::move(request), std::move(client), std::move(done),
                                       std::move(release));
    });
}

void group_coordinator::consumer_group_describe(int16_t version, const std::string& group_id, topics_snapshot topics,
                                                callback<msg::consumer_group_describe_response::described_group> done) {
    if (topics) _impl->topics = std::move(topics);
    done(_impl->consumer_group_describe(group_id));
}

void group_coordinator::offset_commit(int16_t version, msg::offset_commit_request request,
                                      callback<msg::offset_commit_response> done) {
    _impl->offset_commit(version, std::move(request), std::move(done));
}

void group_coordinator::offset_fetch(int16_t version,
                                     const msg::offset_fetch_request::offset_fetch_request_group& group,
                                     bool require_stable,
                                     callback<msg::offset_fetch_response::offset_fetch_response_group> done) {
    done(_impl->offset_fetch(group, require_stable));
}

void group_coordinator::offset_delete(int16_t version, const msg::offset_delete_request& request,
                                      callback<msg::offset_delete_response> done) {
    _impl->offset_delete(request, std::move(done));
}

void group_coordinator::txn_offset_commit(int16_t version, msg::txn_offset_commit_request request,
                                          callback<msg::txn_offset_commit_response> done) {
    _impl->txn_offset_commit(version, std::move(request), std::move(done));
}

void group_coordinator::complete_transaction(int32_t partition, model::producer_id producer_id, bool commit) {
    if (!loaded(partition)) return;
    _impl->end_transaction(partition, producer_id.value(), commit);
}

void group_coordinator::describe_group(int16_t version, const std::string& group_id,
                                       callback<msg::describe_groups_response::described_group> done) {
    done(_impl->describe_group(version, group_id));
}

void group_coordinator::delete_group(int16_t version, const std::string& group_id,
                                     callback<msg::delete_groups_response::deletable_group_result> done) {
    _impl->delete_group(group_id, std::move(done));
}

std::vector<msg::list_groups_response::listed_group>
group_coordinator::list_groups(int16_t version, const std::vector<std::string>& states_filter,
                               const std::vector<std::string>& types_filter) const {
    return _impl->list_groups(states_filter, types_filter);
}

std::vector<group_coordinator::committed_offset> group_coordinator::committed_offsets(const std::string& group_id) const {
    std::vector<committed_offset> out;
    if (_impl->partition_error(group_id) != error_code::none) return out;
    if (const auto* topics = _impl->offsets.group(group_id)) {
        for (const auto& [topic, parts] : *topics)
            for (const auto& [p, o] : parts) out.push_back({topic, p, o.offset});
    }
    return out;
}

void group_coordinator::topics_deleted(const std::vector<std::string>& topics) { _impl->topics_deleted(topics); }

} // namespace sluice::coordinator
