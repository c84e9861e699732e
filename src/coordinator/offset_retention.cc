// Offset expiry (offsets.retention.ms, checked every offsets.retention.check.interval.ms) and
// deletion of empty groups left without offsets (Kafka 4.0 cleanupGroupMetadata, KIP-211).
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

void group_coordinator::impl::schedule_retention() {
    if (retention_timer != 0) return;
    std::weak_ptr<bool> token = alive;
    retention_timer = timers.schedule(config.offsets_retention_check_interval_ms, [this, token] {
        if (token.expired()) return;
        retention_timer = 0;
        expire_offsets();
        if (!partitions.empty()) schedule_retention();
    });
}

bool group_coordinator::impl::expire_group_offsets(const classic_group& g, int64_t now_ms,
                                                   std::vector<offsets_record>& records,
                                                   std::vector<std::pair<std::string, int32_t>>& expired) const {
    const offset_store::topics* topics = offsets.group(g.group_id());
    // A group with offsets pending in a transaction is not empty of offsets (Kafka 4.0).
    if (!topics) return !pending.contains(g.group_id());
    // KIP-211: offsets of an Empty group expire `retention` after it became Empty (after their
    // commit when the record predates state timestamps); a Stable consumer group's offsets of
    // topics it no longer subscribes to, and a simple group's offsets, `retention` after commit.
    enum class base { state_change, commit };
    base from;
    if (!g.protocol_type()) {
        from = base::commit;
    } else if (g.in_state(group_state::empty)) {
        from = base::state_change;
    } else if (g.uses_consumer_protocol() && g.subscribed_topics() && g.in_state(group_state::stable)) {
        from = base::commit;
    } else {
        return false;
    }
    bool all_expired = true;
    for (const auto& [topic, parts] : *topics) {
        if (g.subscribed_to(topic)) {
            all_expired = false;
            continue;
        }
        for (const auto& [partition, o] : parts) {
            int64_t since = from == base::state_change ? g.current_state_timestamp().value_or(o.commit_timestamp_ms)
                                                       : o.commit_timestamp_ms;
            // An explicit expire timestamp (OffsetCommit v2-4 retention) keeps its old meaning.
            bool is_expired = o.expire_timestamp_ms ? now_ms >= *o.expire_timestamp_ms
                                                    : now_ms - since >= config.offsets_retention_ms;
            if (is_expired && !has_pending_transactional_offsets(g.group_id(), topic, partition)) {
                records.push_back(offset_tombstone(g.group_id(), topic, partition));
                expired.emplace_back(topic, partition);
            } else {
                all_expired = false;
            }
        }
    }
    return all_expired && !pending.contains(g.group_id());
}

void group_coordinator::impl::expire_offsets() {
    const int64_t now = timers.now_ms();
    struct group_cleanup {
        std::string group_id;
        std::vector<std::pair<std::string, int32_t>> expired;
        std::map<std::pair<std::string, int32_t>, offset_and_metadata> values;
        bool delete_group = false;
        bool consumer = false; // a KIP-848 consumer group
    };
    std::map<int32_t, std::vector<offsets_record>> records;
    std::map<int32_t, std::vector<group_cleanup>> cleanups;
    for (const auto& [group_id, g] : groups) {
        if (partition_error(group_id) != error_code::none) continue;
        group_cleanup c{group_id, {}, {}, false};
        auto& batch = records[g->partition()];
        bool all_expired = expire_group_offsets(*g, now, batch, c.expired);
        for (const auto& [topic, p] : c.expired) c.values[{topic, p}] = *offsets.find(group_id, topic, p);
        if (all_expired && g->in_state(group_state::empty)) {
            batch.push_back(group_tombstone(group_id));
            c.delete_group = true;
        }
        if (!c.expired.empty() || c.delete_group) cleanups[g->partition()].push_back(std::move(c));
    }
    for (const auto& [group_id, g] : consumer_groups) {
        if (partition_error(group_id) != error_code::none) continue;
        if (consumer_queues.contains(group_id)) continue; // changing: the next check sees it
        group_cleanup c{group_id, {}, {}, false, true};
        expire_consumer_offsets(*g, now, records[g->partition], c.expired, c.delete_group);
        for (const auto& [topic, p] : c.expired) c.values[{topic, p}] = *offsets.find(group_id, topic, p);
        if (!c.expired.empty() || c.delete_group) cleanups[g->partition].push_back(std::move(c));
    }
    for (auto& [partition, batch] : records) {
        if (batch.empty()) continue;
        log::info("partition {}: expiring {} offset/group records", partition, batch.size());
        write(partition, std::move(batch), [this, done = std::move(cleanups[partition])](error_code e) {
            if (e != error_code::none) {
                log::warn("writing expired offsets failed: {}", protocol::name(e));
                return;
            }
            for (const auto& c : done) {
                // Only what is unchanged since: a commit or a join meanwhile wins.
                for (const auto& [key, value] : c.values) {
                    const offset_and_metadata* now = offsets.find(c.group_id, key.first, key.second);
                    if (now && *now == value) offsets.erase(c.group_id, key.first, key.second);
                }
                if (c.consumer) {
                    consumer_group* cg = find_consumer_group(c.group_id);
                    if (c.delete_group && cg && cg->members.empty() && !offsets.group(c.group_id) &&
                        !pending.contains(c.group_id))
                        drop_consumer_group(c.group_id);
                    continue;
                }
                classic_group* g = find_group(c.group_id);
                if (c.delete_group && g && g->in_state(group_state::empty) && g->empty_of_members() &&
                    g->pending_count() == 0 && !offsets.group(c.group_id) && !pending.contains(c.group_id))
                    drop_group(c.group_id);
            }
        });
    }
}

} // namespace sluice::coordinator
