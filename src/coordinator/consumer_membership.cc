// KIP-848 consumer groups: members leaving (epoch -1, -2) and being fenced (session timeout,
// rebalance timeout while revoking), the per-group operation queue, ConsumerGroupDescribe, and
// what offsets and deletion check of a consumer group (Kafka 4.0 GroupMetadataManager,
// ConsumerGroup.validateOffsetCommit / validateOffsetFetch / validateDeleteGroup).
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

void group_coordinator::impl::enqueue_consumer_op(const std::string& group_id, consumer_op op) {
    op_queue& q = consumer_queues[group_id];
    q.ops.push_back(std::move(op));
    if (!q.running) run_next_consumer_op(group_id);
}

void group_coordinator::impl::run_next_consumer_op(const std::string& group_id) {
    auto it = consumer_queues.find(group_id);
    if (it == consumer_queues.end()) return;
    if (it->second.ops.empty()) {
        consumer_queues.erase(it);
        return;
    }
    it->second.running = true;
    consumer_op op = std::move(it->second.ops.front());
    it->second.ops.pop_front();
    std::weak_ptr<bool> token = alive;
    op([this, token, group_id] {
        if (token.expired()) return;
        auto q = consumer_queues.find(group_id);
        if (q == consumer_queues.end()) return;
        q->second.running = false;
        run_next_consumer_op(group_id);
    });
}

std::string group_coordinator::impl::consumer_session_key(const std::string& group_id, const std::string& member_id) {
    return "consumer-session/" + std::to_string(group_id.size()) + "/" + group_id + "/" + member_id;
}

std::string group_coordinator::impl::consumer_rebalance_key(const std::string& group_id, const std::string& member_id) {
    return "consumer-rebalance/" + std::to_string(group_id.size()) + "/" + group_id + "/" + member_id;
}

void group_coordinator::impl::schedule_consumer_session(const std::string& group_id, const std::string& member_id) {
    schedule(consumer_session_key(group_id, member_id), group_id, config.consumer_session_timeout_ms,
             [this, group_id, member_id] {
                 expire_consumer_member(group_id, member_id, std::nullopt, "its session expired");
             });
}

void group_coordinator::impl::schedule_consumer_rebalance(const std::string& group_id, const std::string& member_id,
                                                          int32_t epoch, int32_t timeout_ms) {
    schedule(consumer_rebalance_key(group_id, member_id), group_id, timeout_ms, [this, group_id, member_id, epoch] {
        expire_consumer_member(group_id, member_id, epoch, "it did not revoke its partitions in time");
    });
}

void group_coordinator::impl::cancel_consumer_timers(const std::string& group_id, const std::string& member_id) {
    cancel(consumer_session_key(group_id, member_id));
    cancel(consumer_rebalance_key(group_id, member_id));
}

// A timer fired: fence the member (only while still at `epoch`, for the rebalance timeout).
void group_coordinator::impl::expire_consumer_member(const std::string& group_id, const std::string& member_id,
                                                     std::optional<int32_t> epoch, const char* why) {
    enqueue_consumer_op(group_id, [this, group_id, member_id, epoch, why](std::function<void()> release) {
        consumer_group* g = partition_error(group_id) == error_code::none ? find_consumer_group(group_id) : nullptr;
        const consumer_member* m = g ? g->find(member_id) : nullptr;
        if (!m || (epoch && m->member_epoch != *epoch)) return release();
        log::info("group {}: member {} fenced because {}", group_id, member_id, why);
        consumer_change change(*g);
        fence_consumer_member(change, member_id);
        commit_consumer_change(std::move(change), false, [this, group_id, member_id, release](error_code e) {
            if (e != error_code::none) log::warn("group {}: fencing {} failed: {}", group_id, member_id, protocol::name(e));
            else cancel_consumer_timers(group_id, member_id);
            release();
        });
    });
}

void group_coordinator::impl::fence_consumer_member(consumer_change& change, const std::string& member_id) {
    const std::string& group_id = change.work.group_id;
    // The order Kafka writes them in: current assignment, target, then the member.
    change.emit(consumer_tombstone(consumer_group_current_member_assignment_type, group_id, member_id));
    change.emit(consumer_tombstone(consumer_group_target_assignment_member_type, group_id, member_id));
    change.emit(consumer_tombstone(consumer_group_member_metadata_type, group_id, member_id));
    subscription_changes(change, true);
}

void group_coordinator::impl::consumer_group_leave(const msg::consumer_group_heartbeat_request& r, heartbeat_done done,
                                                   std::function<void()> release) {
    auto fail = [&](error_code e, std::string message) {
        msg::consumer_group_heartbeat_response out;
        out.error_code = e;
        out.error_message = std::move(message);
        done(std::move(out));
        release();
    };
    consumer_group* g = find_consumer_group(r.group_id);
    if (!g) {
        if (find_group(r.group_id)) return fail(error_code::group_id_not_found, "Group " + r.group_id + " is not a consumer group.");
        return fail(error_code::group_id_not_found, "Group " + r.group_id + " not found.");
    }
    const consumer_member* m = nullptr;
    if (!r.instance_id) {
        m = g->find(r.member_id);
        if (!m) return fail(error_code::unknown_member_id, "Member " + r.member_id + " is not a member of group " + r.group_id + ".");
    } else {
        m = g->static_member(*r.instance_id);
        if (!m) return fail(error_code::unknown_member_id, "Instance id " + *r.instance_id + " is unknown.");
        if (m->member_id != r.member_id)
            return fail(error_code::fenced_instance_id, "Static member " + r.member_id + " with instance id " +
                                                            *r.instance_id + " is fenced by existing member " +
                                                            m->member_id + ".");
    }
    const std::string member_id = m->member_id;
    msg::consumer_group_heartbeat_response out;
    out.member_id = member_id;
    out.member_epoch = r.member_epoch;
    consumer_change change(*g);
    const bool temporary = r.instance_id && r.member_epoch == leave_group_static_member_epoch;
    if (temporary) {
        // KIP-848: the static member keeps its partitions (nobody else gets them) until it
        // rejoins with the same instance id or its session expires.
        consumer_member leaving = *m;
        leaving.member_epoch = leave_group_static_member_epoch;
        leaving.pending_revocation.clear();
        change.emit(current_assignment_record(g->group_id, leaving));
        log::info("group {}: static member {} ({}) left temporarily", g->group_id, member_id, *r.instance_id);
    } else {
        fence_consumer_member(change, member_id);
        log::info("group {}: member {} left", g->group_id, member_id);
    }
    commit_consumer_change(std::move(change), false,
                           [this, temporary, group_id = r.group_id, member_id, out = std::move(out),
                            done = std::move(done), release = std::move(release)](error_code e) mutable {
                               if (e != error_code::none) {
                                   msg::consumer_group_heartbeat_response failed;
                                   failed.error_code = append_error_to_response(e);
                                   done(std::move(failed));
                                   return release();
                               }
                               if (temporary) cancel(consumer_rebalance_key(group_id, member_id));
                               else cancel_consumer_timers(group_id, member_id);
                               done(std::move(out));
                               release();
                           });
}

void group_coordinator::impl::drop_consumer_group(const std::string& group_id) {
    for (auto it = keyed_timers.begin(); it != keyed_timers.end();) {
        if (it->second.group_id == group_id) {
            timers.cancel(it->second.id);
            it = keyed_timers.erase(it);
        } else {
            ++it;
        }
    }
    consumer_groups.erase(group_id);
}

msg::consumer_group_describe_response::described_group
group_coordinator::impl::consumer_group_describe(const std::string& group_id) const {
    using described = msg::consumer_group_describe_response::described_group;
    described out;
    out.group_id = group_id;
    if (group_id.empty()) {
        out.error_code = error_code::invalid_group_id;
        return out;
    }
    if (error_code e = partition_error(group_id); e != error_code::none) {
        out.error_code = e;
        return out;
    }
    auto it = consumer_groups.find(group_id);
    if (it == consumer_groups.end()) {
        out.error_code = error_code::group_id_not_found;
        out.error_message = groups.contains(group_id) ? "Group " + group_id + " is not a consumer group."
                                                      : "Group " + group_id + " not found.";
        return out;
    }
    const consumer_group& g = *it->second;
    std::map<uuid, std::string> names;
    for (const auto& [name, t] : *topics) names[t.id] = name;
    auto assignment = [&](const topic_partitions& tps) {
        msg::consumer_group_describe_response::assignment_t a;
        for (const auto& [topic, parts] : tps) {
            auto n = names.find(topic);
            if (n == names.end()) continue; // deleted since
            auto& t = a.topic_partitions.emplace_back();
            t.topic_id = topic;
            t.topic_name = n->second;
            t.partitions = parts;
        }
        return a;
    };
    out.group_state = std::string(state_name(g.state()));
    out.group_epoch = g.group_epoch;
    out.assignment_epoch = g.assignment_epoch;
    out.assignor_name = g.preferred_assignor().value_or(config.consumer_assignors.empty() ? "uniform"
                                                                                          : config.consumer_assignors.front());
    for (const auto& [id, m] : g.members) {
        auto& dm = out.members.emplace_back();
        dm.member_id = id;
        dm.instance_id = m.instance_id;
        dm.rack_id = m.rack_id;
        dm.member_epoch = m.member_epoch;
        dm.client_id = m.client_id;
        dm.client_host = m.client_host;
        dm.subscribed_topic_names = m.subscribed_topic_names;
        dm.subscribed_topic_regex = m.subscribed_topic_regex;
        dm.assignment = assignment(m.assigned);
        dm.target_assignment = assignment(g.target_of(id));
    }
    return out;
}

error_code group_coordinator::impl::validate_consumer_offset_commit(int16_t version, const consumer_group& g,
                                                                    const msg::offset_commit_request& r) const {
    // Epoch -1: the admin client or a consumer without group management, only into an Empty group.
    if (r.generation_id_or_member_epoch < 0 && g.members.empty()) return error_code::none;
    const consumer_member* m = g.find(r.member_id);
    if (!m) return error_code::unknown_member_id;
    // KIP-848 members commit with OffsetCommit v9+.
    if (version < 9) return error_code::unsupported_version;
    if (r.generation_id_or_member_epoch != m->member_epoch) return error_code::stale_member_epoch;
    return error_code::none;
}

void group_coordinator::impl::delete_consumer_group(consumer_group& g,
                                                    callback<msg::delete_groups_response::deletable_group_result> done) {
    msg::delete_groups_response::deletable_group_result out;
    out.group_id = g.group_id;
    if (g.state() != consumer_group_state::empty) {
        out.error_code = error_code::non_empty_group;
        return done(std::move(out));
    }
    const std::string group_id = g.group_id;
    std::vector<offsets_record> records;
    std::vector<std::tuple<std::string, int32_t, offset_and_metadata>> removed;
    if (const auto* topics_of = offsets.group(group_id)) {
        for (const auto& [topic, parts] : *topics_of) {
            for (const auto& [p, o] : parts) {
                records.push_back(offset_tombstone(group_id, topic, p));
                removed.emplace_back(topic, p, o);
            }
        }
    }
    std::vector<pending_offsets::topic_partition> pending_removed = tombstone_pending_offsets(group_id, records);
    // Kafka's ConsumerGroup.createGroupTombstoneRecords for a group without members.
    records.push_back(encode(consumer_tombstone(consumer_group_target_assignment_metadata_type, group_id)));
    records.push_back(encode(consumer_tombstone(consumer_group_partition_metadata_type, group_id)));
    records.push_back(encode(consumer_tombstone(consumer_group_metadata_type, group_id)));
    const uint64_t order = next_log_order;
    write(g.partition, std::move(records),
          [this, group_id, order, removed = std::move(removed), pending_removed = std::move(pending_removed),
           out = std::move(out), done = std::move(done)](error_code e) mutable {
              if (e != error_code::none) {
                  out.error_code = append_error_to_response(e);
                  return done(std::move(out));
              }
              for (const auto& [topic, p, value] : removed) {
                  const offset_and_metadata* now = offsets.find(group_id, topic, p);
                  if (now && *now == value) offsets.erase(group_id, topic, p);
              }
              for (const auto& tp : pending_removed) erase_pending_before(group_id, tp.topic, tp.partition, order);
              consumer_group* g = find_consumer_group(group_id);
              if (g && g->members.empty()) drop_consumer_group(group_id);
              log::info("group {}: deleted", group_id);
              out.error_code = error_code::none;
              done(std::move(out));
          });
}

// Kafka 4.0: a consumer group's offsets expire `retention` after their commit unless a member
// subscribes to their topic; an Empty group left without offsets is deleted.
void group_coordinator::impl::expire_consumer_offsets(const consumer_group& g, int64_t now_ms,
                                                      std::vector<offsets_record>& records,
                                                      std::vector<std::pair<std::string, int32_t>>& expired,
                                                      bool& delete_group) const {
    bool all_expired = true;
    if (const offset_store::topics* topics_of = offsets.group(g.group_id)) {
        for (const auto& [topic, parts] : *topics_of) {
            if (g.subscribed_to(topic)) {
                all_expired = false;
                continue;
            }
            for (const auto& [partition, o] : parts) {
                bool is_expired = o.expire_timestamp_ms ? now_ms >= *o.expire_timestamp_ms
                                                        : now_ms - o.commit_timestamp_ms >= config.offsets_retention_ms;
                // Not while a transaction may still commit an offset there (Kafka 4.0).
                if (is_expired && !has_pending_transactional_offsets(g.group_id, topic, partition)) {
                    records.push_back(offset_tombstone(g.group_id, topic, partition));
                    expired.emplace_back(topic, partition);
                } else {
                    all_expired = false;
                }
            }
        }
    }
    delete_group = all_expired && !pending.contains(g.group_id) && g.state() == consumer_group_state::empty;
    if (delete_group) {
        records.push_back(encode(consumer_tombstone(consumer_group_target_assignment_metadata_type, g.group_id)));
        records.push_back(encode(consumer_tombstone(consumer_group_partition_metadata_type, g.group_id)));
        records.push_back(encode(consumer_tombstone(consumer_group_metadata_type, g.group_id)));
    }
}

} // namespace sluice::coordinator
