// Becoming and ceasing to be coordinator of a __consumer_offsets partition: replaying its
// records into groups and offsets, resuming the loaded groups, dropping them on unload
// (Kafka 4.0 GroupCoordinatorShard.replay / onLoaded / onUnloaded).
#include "base/assert.h"
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

std::unique_ptr<classic_group> group_from_record(const std::string& group_id, int32_t partition, int64_t now_ms,
                                                 const msg::group_metadata_value& v) {
    auto g = std::make_unique<classic_group>(group_id, partition, now_ms);
    for (const auto& mm : v.members) {
        auto m = std::make_unique<group_member>();
        m->member_id = mm.member_id;
        m->group_instance_id = mm.group_instance_id;
        m->client_id = mm.client_id;
        m->client_host = mm.client_host;
        // v0 records have no rebalance timeout: it was the session timeout then.
        m->rebalance_timeout_ms = mm.rebalance_timeout == -1 ? mm.session_timeout : mm.rebalance_timeout;
        m->session_timeout_ms = mm.session_timeout;
        m->protocol_type = v.protocol_type;
        if (v.protocol) m->protocols.push_back({*v.protocol, mm.subscription});
        m->assignment = mm.assignment;
        g->add(std::move(m), std::nullopt);
    }
    std::optional<std::string> protocol_type;
    if (!v.protocol_type.empty()) protocol_type = v.protocol_type;
    std::optional<int64_t> state_timestamp;
    if (v.current_state_timestamp != -1) state_timestamp = v.current_state_timestamp;
    group_state state = v.members.empty() ? group_state::empty : group_state::stable;
    g->restore(v.generation, std::move(protocol_type), v.protocol, v.leader, state_timestamp, state);
    g->recompute_subscribed_topics();
    return g;
}

} // namespace

void group_coordinator::impl::replay(int32_t partition, int64_t producer_id, byte_view key,
                                     std::optional<byte_view> value) {
    auto p = partitions.find(partition);
    SLUICE_ASSERT(p != partitions.end() && p->second.status == load_status::loading,
                  "replay() only between begin_load() and complete_load()");
    const uint64_t order = next_log_order++;
    decoded_record record = decode_record(key, value);
    if (auto* o = std::get_if<decoded_offset>(&record)) {
        if (!o->value) {
            // Kafka 4.0: a tombstone deletes the committed offset and every pending one.
            offsets.erase(o->group, o->topic, o->partition);
            pending.erase(o->group, o->topic, o->partition);
            return;
        }
        // Offsets of a group without metadata: a "simple" group (Empty, no protocol type).
        if (!find_group(o->group) && !find_consumer_group(o->group)) create_group(o->group);
        o->value->log_order = order;
        // KIP-98: an offset of a transactional batch waits for the producer's marker.
        if (producer_id != model::no_producer_id.value())
            pending.add({partition, producer_id}, o->group, o->topic, o->partition, std::move(*o->value));
        else
            offsets.put(o->group, o->topic, o->partition, std::move(*o->value));
    } else if (auto* gr = std::get_if<decoded_group>(&record)) {
        if (!gr->value) {
            groups.erase(gr->group);
            return;
        }
        consumer_groups.erase(gr->group); // a group is of one type: the latest record's
        groups[gr->group] = group_from_record(gr->group, partition, timers.now_ms(), *gr->value);
    } else if (auto* cr = std::get_if<consumer_record>(&record)) {
        replay_consumer_record(partition, *cr);
    } else {
        ++skipped;
    }
}

void group_coordinator::impl::replay_consumer_record(int32_t partition, const consumer_record& r) {
    consumer_group* g = find_consumer_group(r.group_id);
    if (!r.value) {
        if (!g) return;
        if (r.type == consumer_group_metadata_type) {
            consumer_groups.erase(r.group_id);
            return;
        }
        g->apply(r);
        return;
    }
    if (!g) {
        groups.erase(r.group_id); // a group is of one type: the latest record's
        auto created = std::make_unique<consumer_group>(r.group_id, partition);
        g = created.get();
        consumer_groups[r.group_id] = std::move(created);
    }
    g->apply(r);
}

void group_coordinator::impl::complete_load(int32_t partition) {
    auto p = partitions.find(partition);
    SLUICE_ASSERT(p != partitions.end() && p->second.status == load_status::loading, "complete_load() after begin_load()");
    p->second.status = load_status::loaded;
    size_t loaded_groups = 0;
    for (const auto& [group_id, g] : groups) {
        if (g->partition() != partition) continue;
        ++loaded_groups;
        // Loaded members must heartbeat within a session from now (Kafka does the same).
        for (const auto& m : g->members()) reschedule_heartbeat(*g, *m, m->session_timeout_ms);
        if (g->size() > static_cast<size_t>(config.max_size))
            prepare_rebalance(*g, "loaded group is over group.max.size");
    }
    for (const auto& [group_id, g] : consumer_groups) {
        if (g->partition != partition) continue;
        ++loaded_groups;
        // Kafka 4.0 onLoaded: every member gets a session; those revoking, their deadline again.
        for (const auto& [member_id, m] : g->members) {
            schedule_consumer_session(group_id, member_id);
            if (m.state == member_state::unrevoked_partitions)
                schedule_consumer_rebalance(group_id, member_id, m.member_epoch, m.rebalance_timeout_ms);
        }
    }
    log::info("__consumer_offsets-{}: loaded {} groups", partition, loaded_groups);
    schedule_retention();
}

void group_coordinator::impl::unload(int32_t partition) {
    if (!partitions.contains(partition)) return;
    std::vector<std::string> ids;
    for (const auto& [group_id, g] : groups)
        if (g->partition() == partition) ids.push_back(group_id);
    for (const auto& id : ids) drop_group(id);
    std::vector<std::string> consumer_ids;
    for (const auto& [group_id, g] : consumer_groups)
        if (g->partition == partition) consumer_ids.push_back(group_id);
    for (const auto& id : consumer_ids) drop_consumer_group(id);
    std::vector<std::string> with_offsets;
    for (const auto& [group_id, topics] : offsets.all())
        if (partition_of(group_id) == partition) with_offsets.push_back(group_id);
    for (const auto& id : with_offsets) offsets.erase_group(id);
    pending.drop_partition(partition);
    partitions.erase(partition);
    if (partitions.empty() && retention_timer != 0) {
        timers.cancel(retention_timer);
        retention_timer = 0;
    }
}

} // namespace sluice::coordinator
