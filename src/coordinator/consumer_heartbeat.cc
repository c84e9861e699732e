// ConsumerGroupHeartbeat (KIP-848) for members joining and heartbeating: Kafka 4.0's
// GroupMetadataManager.consumerGroupHeartbeat. One heartbeat (1) creates or updates the member,
// bumping the group epoch when subscriptions or the subscribed topics' metadata changed,
// (2) recomputes the target assignment when the group epoch is ahead of it, and (3) moves the
// member one reconciliation step towards its target (current_assignment.h). Every change is a
// record applied to a copy of the group (consumer_change); the copy becomes the group once the
// records are durable.
#include <algorithm>

#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/current_assignment.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

using heartbeat_response = msg::consumer_group_heartbeat_response;

bool blank(const std::optional<std::string>& s) {
    return s && std::all_of(s->begin(), s->end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid (v0: an empty member id is allowed on
// a join and a static leave; the coordinator then makes one up).
std::optional<std::pair<error_code, std::string>> validate(int16_t version, const msg::consumer_group_heartbeat_request& r,
                                                           const std::vector<std::string>& assignors) {
    auto invalid = [](std::string m) { return std::make_pair(error_code::invalid_request, std::move(m)); };
    if ((version >= 1 || r.member_epoch > 0 || r.member_epoch == leave_group_member_epoch) &&
        blank(std::optional<std::string>(r.member_id)))
        return invalid("MemberId can't be empty.");
    if (blank(std::optional<std::string>(r.group_id))) return invalid("GroupId can't be empty.");
    if (blank(r.instance_id)) return invalid("InstanceId can't be empty.");
    if (blank(r.rack_id)) return invalid("RackId can't be empty.");
    if (r.member_epoch == 0) {
        if (r.rebalance_timeout_ms == -1) return invalid("RebalanceTimeoutMs must be provided in first request.");
        if (!r.topic_partitions || !r.topic_partitions->empty())
            return invalid("TopicPartitions must be empty when (re-)joining.");
        if (!r.subscribed_topic_names && !r.subscribed_topic_regex)
            return invalid("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
    } else if (r.member_epoch == leave_group_static_member_epoch) {
        if (!r.instance_id) return invalid("InstanceId can't be null.");
    } else if (r.member_epoch < leave_group_static_member_epoch) {
        return invalid("MemberEpoch is invalid.");
    }
    if (r.server_assignor && std::find(assignors.begin(), assignors.end(), *r.server_assignor) == assignors.end())
        return std::make_pair(error_code::unsupported_assignor, "ServerAssignor " + *r.server_assignor +
                                                                    " is not supported. Supported assignors: " +
                                                                    join_names(assignors) + ".");
    // Regular expressions arrive only in v1 (KIP-848's later part), which is not served.
    if (r.subscribed_topic_regex) return invalid("SubscribedTopicRegex is not supported.");
    return std::nullopt;
}

std::optional<topic_partitions> owned_partitions(const msg::consumer_group_heartbeat_request& r) {
    if (!r.topic_partitions) return std::nullopt;
    topic_partitions out;
    for (const auto& t : *r.topic_partitions) {
        auto& parts = out[t.topic_id];
        parts.insert(parts.end(), t.partitions.begin(), t.partitions.end());
        std::sort(parts.begin(), parts.end());
    }
    return out;
}

bool subset(const std::optional<topic_partitions>& owned, const topic_partitions& of) {
    if (!owned) return false;
    for (const auto& [topic, parts] : *owned) {
        if (parts.empty()) continue;
        auto it = of.find(topic);
        if (it == of.end()) return false;
        for (auto p : parts)
            if (!std::binary_search(it->second.begin(), it->second.end(), p)) return false;
    }
    return true;
}

// Kafka's throwIfConsumerGroupMemberEpochIsInvalid: the previous epoch is accepted when the
// member owns a subset of its assignment (the answer that bumped it may have been lost).
std::optional<std::string> epoch_error(const consumer_member& m, int32_t received,
                                       const std::optional<topic_partitions>& owned) {
    if (received > m.member_epoch)
        return "The consumer group member has a greater member epoch (" + std::to_string(received) +
               ") than the one known by the group coordinator (" + std::to_string(m.member_epoch) +
               "). The member must abandon all its partitions and rejoin.";
    if (received < m.member_epoch && (received != m.previous_member_epoch || !subset(owned, m.assigned)))
        return "The consumer group member has a smaller member epoch (" + std::to_string(received) +
               ") than the one known by the group coordinator (" + std::to_string(m.member_epoch) +
               "). The member must abandon all its partitions and rejoin.";
    return std::nullopt;
}

heartbeat_response::assignment_t response_assignment(const topic_partitions& assigned) {
    heartbeat_response::assignment_t a;
    for (const auto& [topic, parts] : assigned) {
        auto& t = a.topic_partitions.emplace_back();
        t.topic_id = topic;
        t.partitions = parts;
    }
    return a;
}

struct heartbeat_member {
    consumer_member member;
    error_code error = error_code::none;
    std::string message;
};

// Kafka's getOrMaybeSubscribe{Dynamic,Static}ConsumerGroupMember: the member a heartbeat comes
// from (a new one when joining) or the error to answer. A static member rejoining in place of
// its temporarily departed instance replaces it in `change` here.
heartbeat_member member_of_heartbeat(consumer_change& change, const msg::consumer_group_heartbeat_request& r,
                                     const std::string& member_id, const std::optional<topic_partitions>& owned) {
    const consumer_group& g = change.work;
    const bool joining = r.member_epoch == 0;
    heartbeat_member out;
    out.member.member_id = member_id;
    auto refuse = [&](error_code e, std::string message) {
        out.error = e;
        out.message = std::move(message);
        return out;
    };
    if (!r.instance_id) {
        const consumer_member* m = g.find(member_id);
        if (!m && !joining)
            return refuse(error_code::unknown_member_id,
                          "Member " + member_id + " is not a member of group " + r.group_id + ".");
        if (m) {
            if (auto e = epoch_error(*m, r.member_epoch, owned)) return refuse(error_code::fenced_member_epoch, *e);
            out.member = *m;
        }
    } else {
        const consumer_member* old = g.static_member(*r.instance_id);
        if (joining && old) {
            // KIP-848: a static member rejoins only after its previous instance left with -2; the
            // new member id takes over its assignment, at epoch 0.
            if (old->member_epoch != leave_group_static_member_epoch)
                return refuse(error_code::unreleased_instance_id,
                              "Static member " + member_id + " with instance id " + *r.instance_id +
                                  " cannot join the group because the instance id is owned by " + old->member_id +
                                  " member.");
            out.member = *old;
            out.member.member_id = member_id;
            out.member.member_epoch = 0;
            out.member.previous_member_epoch = 0;
            const std::string old_id = old->member_id;
            topic_partitions old_target = g.target_of(old_id);
            change.emit(consumer_tombstone(consumer_group_current_member_assignment_type, g.group_id, old_id));
            change.emit(consumer_tombstone(consumer_group_target_assignment_member_type, g.group_id, old_id));
            change.emit(consumer_tombstone(consumer_group_member_metadata_type, g.group_id, old_id));
            change.emit(member_metadata_record(g.group_id, out.member));
            change.emit(target_member_record(g.group_id, member_id, old_target));
            change.emit(current_assignment_record(g.group_id, out.member));
            log::info("group {}: static member {} rejoins as {} (was {})", g.group_id, *r.instance_id, member_id, old_id);
        } else if (joining) {
            if (const consumer_member* m = g.find(member_id)) out.member = *m;
        } else {
            if (!old) return refuse(error_code::unknown_member_id, "Instance id " + *r.instance_id + " is unknown.");
            if (old->member_id != member_id)
                return refuse(error_code::fenced_instance_id, "Static member " + member_id + " with instance id " +
                                                                  *r.instance_id + " is fenced by existing member " +
                                                                  old->member_id + ".");
            if (auto e = epoch_error(*old, r.member_epoch, owned)) return refuse(error_code::fenced_member_epoch, *e);
            out.member = *old;
        }
    }
    return out;
}

// The member with what the heartbeat sets (null and -1 fields keep the previous values).
consumer_member updated_member(const consumer_member& member, const msg::consumer_group_heartbeat_request& r,
                               const client_info& client) {
    consumer_member updated = member;
    if (r.instance_id) updated.instance_id = r.instance_id;
    if (r.rack_id) updated.rack_id = r.rack_id;
    if (r.rebalance_timeout_ms != -1) updated.rebalance_timeout_ms = r.rebalance_timeout_ms;
    if (r.server_assignor) updated.server_assignor = r.server_assignor;
    if (r.subscribed_topic_names) {
        updated.subscribed_topic_names = *r.subscribed_topic_names;
        auto& names = updated.subscribed_topic_names;
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
    }
    updated.client_id = client.client_id;
    updated.client_host = client.client_host;
    return updated;
}

struct reconcile_outcome {
    std::optional<int32_t> revocation_epoch; // now revoking at this epoch: its deadline starts
    bool reconciled_now = false;             // moved out of revoking: its deadline ends
};

// One reconciliation step of the member towards its target (Kafka's maybeReconcile).
reconcile_outcome reconcile_member(consumer_change& change, const std::string& member_id,
                                   const std::optional<topic_partitions>& owned) {
    const consumer_group& g = change.work;
    const consumer_member& current = g.members.at(member_id);
    reconcile_outcome out;
    if (current.reconciled_to(g.assignment_epoch)) return out;
    consumer_member next = reconcile(
        current, g.assignment_epoch, g.target_of(member_id),
        [&g](const uuid& t, int32_t p) { return g.current_partition_epoch(t, p); }, owned);
    if (next == current) return out;
    change.emit(current_assignment_record(g.group_id, next));
    if (next.state == member_state::unrevoked_partitions) out.revocation_epoch = next.member_epoch;
    else out.reconciled_now = true;
    return out;
}

} // namespace

consumer_group* group_coordinator::impl::find_consumer_group(const std::string& group_id) noexcept {
    auto it = consumer_groups.find(group_id);
    return it == consumer_groups.end() ? nullptr : it->second.get();
}

void group_coordinator::impl::subscription_changes(consumer_change& change, bool bump) {
    consumer_group& g = change.work;
    subscription_metadata now;
    for (const auto& name : g.subscribed_topic_names()) {
        auto it = topics->find(name);
        if (it != topics->end()) now[name] = subscribed_topic{it->second.id, it->second.partition_count};
    }
    if (now != g.subscriptions) {
        change.emit(subscription_metadata_record(g.group_id, now));
        bump = true;
    }
    if (bump) {
        change.emit(group_epoch_record(g.group_id, g.group_epoch + 1));
        log::info("group {}: bumped group epoch to {}", g.group_id, g.group_epoch);
    }
}

void group_coordinator::impl::update_target_assignment(consumer_change& change) {
    consumer_group& g = change.work;
    std::string name = g.preferred_assignor().value_or(config.consumer_assignors.empty() ? "uniform"
                                                                                         : config.consumer_assignors.front());
    assignor_kind kind = assignor_from_name(name).value_or(assignor_kind::uniform);
    assignment_spec spec;
    for (const auto& [topic, t] : g.subscriptions) spec.topics.push_back({t.id, topic, t.partition_count});
    for (const auto& [id, m] : g.members) {
        assignor_member am;
        am.member_id = id;
        am.instance_id = m.instance_id;
        am.rack_id = m.rack_id;
        for (const auto& topic : m.subscribed_topic_names) {
            auto it = g.subscriptions.find(topic);
            if (it != g.subscriptions.end()) am.subscribed_topic_ids.push_back(it->second.id);
        }
        am.current_assignment = g.target_of(id);
        spec.members.push_back(std::move(am));
    }
    group_assignment result = assign(kind, spec);
    for (const auto& [id, partitions] : result)
        if (!g.target.contains(id) || g.target_of(id) != partitions)
            change.emit(target_member_record(g.group_id, id, partitions));
    change.emit(target_epoch_record(g.group_id, g.group_epoch));
    log::info("group {}: target assignment of epoch {} computed by {}", g.group_id, g.group_epoch, name);
}

void group_coordinator::impl::commit_consumer_change(consumer_change&& change, bool replaces_classic,
                                                     std::function<void(error_code)> then) {
    std::string group_id = change.work.group_id;
    int32_t partition = change.work.partition;
    auto records = std::move(change.records);
    auto work = std::make_shared<consumer_group>(std::move(change.work));
    write(partition, std::move(records),
          [this, group_id, replaces_classic, work = std::move(work), then = std::move(then)](error_code e) mutable {
              if (e != error_code::none) return then(e);
              if (replaces_classic) drop_group(group_id);
              consumer_groups[group_id] = std::make_unique<consumer_group>(std::move(*work));
              then(error_code::none);
          });
}

void group_coordinator::impl::consumer_group_heartbeat(int16_t version, msg::consumer_group_heartbeat_request&& r,
                                                       client_info&& client, heartbeat_done done,
                                                       std::function<void()> release) {
    auto fail = [&](error_code e, std::string message) {
        heartbeat_response out;
        out.error_code = e;
        if (!message.empty()) out.error_message = std::move(message);
        done(std::move(out));
        release();
    };
    // Kafka checks the request before it looks at the group (GroupCoordinatorService).
    if (auto invalid = validate(version, r, config.consumer_assignors)) return fail(invalid->first, invalid->second);
    if (error_code e = partition_error(r.group_id); e != error_code::none) return fail(e, "");
    if (r.member_epoch == leave_group_member_epoch || r.member_epoch == leave_group_static_member_epoch)
        return consumer_group_leave(r, std::move(done), std::move(release));

    // Get or create the group: an Empty classic group (e.g. one with only committed offsets)
    // is replaced by the new consumer group.
    const bool joining = r.member_epoch == 0;
    consumer_group* existing = find_consumer_group(r.group_id);
    bool replaces_classic = false;
    if (!existing) {
        classic_group* classic = find_group(r.group_id);
        if (classic && !(joining && classic->in_state(group_state::empty) && classic->empty_of_members() &&
                         classic->pending_count() == 0))
            return fail(error_code::group_id_not_found, "Group " + r.group_id + " is not a consumer group.");
        if (!classic && !joining) return fail(error_code::group_id_not_found, "Consumer group " + r.group_id + " not found.");
        replaces_classic = classic != nullptr;
    }
    consumer_change change(existing ? *existing : consumer_group(r.group_id, partition_of(r.group_id)));
    if (replaces_classic) change.records.push_back(group_tombstone(r.group_id));
    consumer_group& g = change.work;
    if (g.members.size() >= static_cast<size_t>(config.consumer_max_size) &&
        (r.member_id.empty() || !g.members.contains(r.member_id)))
        return fail(error_code::group_max_size_reached, "The consumer group has reached its maximum capacity of " +
                                                            std::to_string(config.consumer_max_size) + " members.");

    // Get or create the member.
    const std::string member_id = r.member_id.empty() ? uuid::random().to_base64() : r.member_id;
    const auto owned = owned_partitions(r);
    heartbeat_member found = member_of_heartbeat(change, r, member_id, owned);
    if (found.error != error_code::none) return fail(found.error, std::move(found.message));
    const consumer_member& member = found.member;

    // 1. The member's metadata; the group epoch moves when subscriptions or topics changed.
    consumer_member updated = updated_member(member, r, client);
    bool bump = g.group_epoch == 0;
    if (!g.members.contains(member_id) || !updated.same_metadata(member)) {
        change.emit(member_metadata_record(g.group_id, updated));
        bump |= updated.subscribed_topic_names != member.subscribed_topic_names;
    }
    subscription_changes(change, bump);

    // 2. The target assignment, when the group epoch moved past it.
    if (g.group_epoch > g.assignment_epoch) update_target_assignment(change);

    // 3. One reconciliation step of this member.
    const topic_partitions before = member.assigned;
    const reconcile_outcome step = reconcile_member(change, member_id, owned);
    const std::optional<int32_t> revocation_deadline_epoch = step.revocation_epoch;
    const bool reconciled_now = step.reconciled_now;
    const consumer_member& final_member = g.members.at(member_id);
    heartbeat_response out;
    out.member_id = member_id;
    out.member_epoch = final_member.member_epoch;
    out.heartbeat_interval_ms = config.consumer_heartbeat_interval_ms;
    // The assignment goes with a full request (a join, or every field set after an error) and
    // whenever it changed.
    const bool full = joining || (r.rebalance_timeout_ms != -1 && r.subscribed_topic_names && r.topic_partitions);
    if (full || final_member.assigned != before) out.assignment = response_assignment(final_member.assigned);
    const int32_t rebalance_timeout_ms = final_member.rebalance_timeout_ms;

    auto finish = [this, group_id = r.group_id, member_id, revocation_deadline_epoch, reconciled_now,
                   rebalance_timeout_ms, out = std::move(out), done = std::move(done),
                   release = std::move(release)](error_code e) mutable {
        if (e != error_code::none) {
            heartbeat_response failed;
            failed.error_code = append_error_to_response(e);
            done(std::move(failed));
            return release();
        }
        if (revocation_deadline_epoch)
            schedule_consumer_rebalance(group_id, member_id, *revocation_deadline_epoch, rebalance_timeout_ms);
        else if (reconciled_now)
            cancel(consumer_rebalance_key(group_id, member_id));
        schedule_consumer_session(group_id, member_id);
        done(std::move(out));
        release();
    };
    if (change.records.empty()) return finish(error_code::none);
    commit_consumer_change(std::move(change), replaces_classic, std::move(finish));
}

} // namespace sluice::coordinator
