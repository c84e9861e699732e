// JoinGroup: the join barrier of the classic protocol (Kafka 4.0 GroupMetadataManager's
// classicGroupJoin and the rebalance steps it drives).
#include <algorithm>

#include "base/assert.h"
#include "base/log.h"
#include "base/uuid.h"
#include "coordinator/coordinator_impl.h"

namespace sluice::coordinator {

namespace {

// java.util.UUID.randomUUID().toString(): 8-4-4-4-12 lowercase hex, version 4.
std::string random_uuid_string() {
    uuid u = uuid::random();
    u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0F) | 0x40);
    u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3F) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += hex[u.bytes[i] >> 4];
        s += hex[u.bytes[i] & 0xF];
    }
    return s;
}

std::vector<member_protocol> protocols_of(const msg::join_group_request& request) {
    std::vector<member_protocol> out;
    for (const auto& p : request.protocols) out.push_back({p.name, p.metadata});
    return out;
}

// KIP-800: the reason a client gives for joining, for the logs.
std::string client_reason(const msg::join_group_request& request) {
    return "; client reason: " + request.reason.value_or("not provided");
}

msg::join_group_response join_error(const std::string& member_id, error_code e) {
    msg::join_group_response r;
    r.member_id = member_id;
    r.error_code = e;
    return r;
}

} // namespace

void group_coordinator::impl::answer_join(parked_join& join, msg::join_group_response response) {
    // ProtocolName is nullable only from v7.
    if (join.version < 7 && !response.protocol_name) response.protocol_name.emplace();
    auto done = std::move(join.done);
    done(std::move(response));
}

msg::join_group_response group_coordinator::impl::current_join_state(const classic_group& g,
                                                                      const std::string& member_id,
                                                                      bool with_members) const {
    msg::join_group_response r;
    r.member_id = member_id;
    r.generation_id = g.generation();
    r.protocol_type = g.protocol_type();
    r.protocol_name = g.protocol_name();
    r.leader = g.leader().value_or("");
    if (with_members && g.protocol_name()) {
        for (const auto& m : g.members()) {
            msg::join_group_response::join_group_response_member jm;
            jm.member_id = m->member_id;
            jm.group_instance_id = m->group_instance_id;
            if (const byte_buffer* md = m->metadata(*g.protocol_name())) jm.metadata = *md;
            r.members.push_back(std::move(jm));
        }
    }
    return r;
}

// JoinGroup to a KIP-848 consumer group (Kafka 4.0 classicGroupJoin): an Empty one becomes a
// classic group (its records tombstoned first); one with members would take the member as a
// classic member of the consumer group, which Sluice does not do: INCONSISTENT_GROUP_PROTOCOL.
void group_coordinator::impl::join_consumer_group(int16_t version, msg::join_group_request&& request,
                                                  client_info&& client, parked_join join) {
    std::string group_id = request.group_id;
    enqueue_consumer_op(group_id, [this, version, request = std::move(request), client = std::move(client),
                                   join = std::move(join)](std::function<void()> release) mutable {
        consumer_group* g = find_consumer_group(request.group_id);
        if (!g || partition_error(request.group_id) != error_code::none) {
            release();
            return join_group(version, std::move(request), std::move(client), std::move(join));
        }
        if (!g->members.empty()) {
            answer_join(join, join_error(request.member_id, error_code::inconsistent_group_protocol));
            return release();
        }
        std::vector<offsets_record> records;
        for (int16_t type : {consumer_group_target_assignment_metadata_type, consumer_group_partition_metadata_type,
                             consumer_group_metadata_type})
            records.push_back(encode(consumer_tombstone(type, g->group_id)));
        int32_t partition = g->partition;
        write(partition, std::move(records),
              [this, version, request = std::move(request), client = std::move(client), join = std::move(join),
               release = std::move(release)](error_code e) mutable {
                  if (e != error_code::none) {
                      answer_join(join, join_error(request.member_id, append_error_to_response(e)));
                      return release();
                  }
                  log::info("group {}: empty consumer group converted to a classic group", request.group_id);
                  drop_consumer_group(request.group_id);
                  release();
                  join_group(version, std::move(request), std::move(client), std::move(join));
              });
    });
}

void group_coordinator::impl::join_group(int16_t version, msg::join_group_request&& request, client_info&& client,
                                         parked_join join) {
    if (request.group_id.empty()) return answer_join(join, join_error(request.member_id, error_code::invalid_group_id));
    if (request.session_timeout_ms < config.min_session_timeout_ms ||
        request.session_timeout_ms > config.max_session_timeout_ms)
        return answer_join(join, join_error(request.member_id, error_code::invalid_session_timeout));
    if (error_code e = partition_error(request.group_id); e != error_code::none)
        return answer_join(join, join_error(request.member_id, e));
    if (version == 0) request.rebalance_timeout_ms = request.session_timeout_ms; // v0 has none
    if (find_consumer_group(request.group_id))
        return join_consumer_group(version, std::move(request), std::move(client), std::move(join));

    const bool unknown_member = request.member_id.empty();
    classic_group* g = find_group(request.group_id);
    bool created = false;
    if (!g) {
        // Only a member without an id creates a group.
        if (!unknown_member) return answer_join(join, join_error(request.member_id, error_code::unknown_member_id));
        g = &create_group(request.group_id);
        created = true;
    }
    if (!accept_joining_member(*g, request.member_id)) {
        if (group_member* m = g->find(request.member_id)) remove_member(*g, *m);
        g->remove(request.member_id);
        answer_join(join, join_error(request.member_id, error_code::group_max_size_reached));
    } else if (unknown_member) {
        join_new_member(*g, version, std::move(request), std::move(client), std::move(join));
    } else {
        join_existing_member(*g, std::move(request), std::move(client), std::move(join));
    }
    // A group created by a join that was refused holds nothing: forget it (Kafka 4.0 would
    // have written an empty group record instead).
    if (created && g->in_state(group_state::empty) && g->empty_of_members() && g->pending_count() == 0 &&
        !offsets.group(g->group_id()))
        groups.erase(g->group_id());
}

bool group_coordinator::impl::accept_joining_member(const classic_group& g, const std::string& member_id) const {
    const auto max = static_cast<size_t>(config.max_size);
    const group_member* m = g.find(member_id);
    switch (g.state()) {
    case group_state::empty:
    case group_state::dead: return true;
    case group_state::preparing_rebalance:
        // Counting members awaiting join (not the group size) admits the first rejoiners and
        // refuses the last ones when group.max.size was lowered.
        return (m && m->awaiting_join) || g.awaiting_join_count() < max;
    case group_state::completing_rebalance:
    case group_state::stable: return m != nullptr || g.size() < max;
    }
    return false;
}

void group_coordinator::impl::join_new_member(classic_group& g, int16_t version, msg::join_group_request&& request,
                                              client_info&& client, parked_join join) {
    if (g.in_state(group_state::dead))
        return answer_join(join, join_error("", error_code::coordinator_not_available));
    if (!g.supports_protocols(request.protocol_type, protocols_of(request)))
        return answer_join(join, join_error("", error_code::inconsistent_group_protocol));
    const std::string& prefix = request.group_instance_id ? *request.group_instance_id : client.client_id;
    std::string new_member_id = prefix + "-" + random_uuid_string();
    if (request.group_instance_id) {
        if (const std::string* existing = g.static_member_id(*request.group_instance_id)) {
            std::string old_member_id = *existing;
            return update_static_member_and_rebalance(g, old_member_id, new_member_id, std::move(request),
                                                      std::move(join));
        }
        return add_member_and_rebalance(g, new_member_id, std::move(request), std::move(client), std::move(join));
    }
    if (version >= 4) {
        // KIP-394: the member must come back with this id; until then it is pending and
        // expires after its session timeout.
        g.add_pending(new_member_id);
        std::string group_id = g.group_id();
        schedule(heartbeat_key(group_id, new_member_id), group_id, request.session_timeout_ms,
                 [this, group_id, new_member_id] { expire_member_heartbeat(group_id, new_member_id); });
        return answer_join(join, join_error(new_member_id, error_code::member_id_required));
    }
    add_member_and_rebalance(g, new_member_id, std::move(request), std::move(client), std::move(join));
}

void group_coordinator::impl::join_existing_member(classic_group& g, msg::join_group_request&& request,
                                                   client_info&& client, parked_join join) {
    const std::string member_id = request.member_id;
    if (g.in_state(group_state::dead))
        return answer_join(join, join_error(member_id, error_code::coordinator_not_available));
    if (!g.supports_protocols(request.protocol_type, protocols_of(request)))
        return answer_join(join, join_error(member_id, error_code::inconsistent_group_protocol));
    if (g.is_pending(member_id)) {
        // A pending member rejoining with its id (pending members are never static).
        return add_member_and_rebalance(g, member_id, std::move(request), std::move(client), std::move(join));
    }
    if (error_code e = validate_member(g, member_id, request.group_instance_id); e != error_code::none)
        return answer_join(join, join_error(member_id, e));
    group_member& m = *g.find(member_id);
    switch (g.state()) {
    case group_state::preparing_rebalance:
        return update_member_and_rebalance(g, m, std::move(request), std::move(join), "member joining during rebalance");
    case group_state::completing_rebalance:
        if (m.matches(protocols_of(request))) {
            // Same metadata: it probably missed the JoinGroup answer; give it again.
            return answer_join(join, current_join_state(g, member_id, g.is_leader(member_id)));
        }
        return update_member_and_rebalance(g, m, std::move(request), std::move(join), "metadata changed");
    case group_state::stable:
        if (g.is_leader(member_id)) {
            // A leader's JoinGroup forces a rebalance (changes outside member metadata, such
            // as new partitions of subscribed topics).
            return update_member_and_rebalance(g, m, std::move(request), std::move(join), "leader rejoined");
        }
        if (!m.matches(protocols_of(request)))
            return update_member_and_rebalance(g, m, std::move(request), std::move(join), "metadata changed");
        return answer_join(join, current_join_state(g, member_id, false));
    case group_state::empty:
    case group_state::dead: break;
    }
    answer_join(join, join_error(member_id, error_code::unknown_member_id));
}

void group_coordinator::impl::add_member_and_rebalance(classic_group& g, const std::string& member_id,
                                                       msg::join_group_request&& request, client_info&& client,
                                                       parked_join join) {
    auto m = std::make_unique<group_member>();
    m->member_id = member_id;
    m->group_instance_id = request.group_instance_id;
    m->client_id = std::move(client.client_id);
    m->client_host = std::move(client.client_host);
    m->rebalance_timeout_ms = request.rebalance_timeout_ms;
    m->session_timeout_ms = request.session_timeout_ms;
    m->protocol_type = request.protocol_type;
    m->protocols = protocols_of(request);
    m->is_new = true;
    // Another member joining an initially empty group extends the initial delay.
    if (g.in_state(group_state::preparing_rebalance) && g.previous_state() == group_state::empty)
        g.new_member_added = true;
    group_member& added = g.add(std::move(m), std::move(join));
    // New members cannot heartbeat while their JoinGroup is parked: time the join out instead.
    reschedule_heartbeat(g, added, new_member_join_timeout_ms);
    maybe_prepare_rebalance_or_complete_join(g, "adding new member " + member_id + client_reason(request));
}

void group_coordinator::impl::update_member_and_rebalance(classic_group& g, group_member& m,
                                                          msg::join_group_request&& request, parked_join join,
                                                          const std::string& reason) {
    std::optional<parked_join> superseded =
        g.update(m, protocols_of(request), request.rebalance_timeout_ms, request.session_timeout_ms, std::move(join));
    // The member sent a new JoinGroup while one was parked: the old one is answered so that
    // every request gets exactly one answer (Kafka drops it and the client's request times out).
    if (superseded) answer_join(*superseded, join_error(m.member_id, error_code::rebalance_in_progress));
    maybe_prepare_rebalance_or_complete_join(g, reason + " (" + m.member_id + ")" + client_reason(request));
}

void group_coordinator::impl::update_static_member_and_rebalance(classic_group& g, const std::string& old_member_id,
                                                                 const std::string& new_member_id,
                                                                 msg::join_group_request&& request, parked_join join) {
    static_rejoin rejoin{g.group_id(), *request.group_instance_id, old_member_id, new_member_id, g.leader(),
                         join.version, 0, 0, {}};
    auto replaced = g.replace_static_member(rejoin.instance_id, old_member_id, new_member_id);
    // KIP-345: whoever still waits under the old member id is fenced.
    if (replaced.old_join) {
        auto r = join_error(old_member_id, error_code::fenced_instance_id);
        r.protocol_name.reset();
        answer_join(*replaced.old_join, std::move(r));
    }
    if (replaced.old_sync) {
        msg::sync_group_response r;
        r.error_code = error_code::fenced_instance_id;
        answer_sync(*replaced.old_sync, std::move(r));
    }
    group_member& m = *replaced.member;
    cancel(heartbeat_key(g.group_id(), old_member_id));
    reschedule_heartbeat(g, m, m.session_timeout_ms);
    rejoin.old_rebalance_timeout_ms = m.rebalance_timeout_ms;
    rejoin.old_session_timeout_ms = m.session_timeout_ms;
    rejoin.old_protocols = m.protocols;
    g.update(m, protocols_of(request), request.rebalance_timeout_ms, request.session_timeout_ms, std::move(join));

    switch (g.state()) {
    case group_state::stable: break;
    case group_state::completing_rebalance:
        // The leader may already be assigning to the old member id: rebalance again.
        return prepare_rebalance(g, "static member " + rejoin.instance_id + " rejoined during CompletingRebalance");
    case group_state::preparing_rebalance: return maybe_complete_join_phase(g);
    case group_state::empty:
    case group_state::dead: SLUICE_ASSERT(false, "a known static member cannot be in an Empty or Dead group");
    }
    if (g.protocol_name() != g.select_protocol())
        return maybe_prepare_rebalance_or_complete_join(g, "static member " + rejoin.instance_id + " changed protocols");

    // Stable and the selected protocol stays: persist the new member id, no rebalance.
    std::map<std::string, byte_buffer> assignment;
    for (const auto& member : g.members()) assignment[member->member_id] = member->assignment;
    write(g.partition(), {group_metadata_record(g.group_id(), group_metadata(g, assignment))},
          [this, rejoin = std::move(rejoin)](error_code e) { complete_static_rejoin(rejoin, e); });
}

void group_coordinator::impl::complete_static_rejoin(const static_rejoin& rejoin, error_code e) {
    classic_group* g = find_group(rejoin.group_id);
    if (!g) return; // unloaded: parked requests were answered then
    group_member* m = g->find(rejoin.new_member_id);
    if (!m || !m->awaiting_join) return; // a rebalance answered it meanwhile
    if (e != error_code::none) {
        // Not persisted: the old member id stays the group's.
        auto parked = g->update(*m, rejoin.old_protocols, rejoin.old_rebalance_timeout_ms,
                                rejoin.old_session_timeout_ms, std::nullopt);
        auto back = g->replace_static_member(rejoin.instance_id, rejoin.new_member_id, rejoin.old_member_id);
        cancel(heartbeat_key(rejoin.group_id, rejoin.new_member_id));
        reschedule_heartbeat(*g, *back.member, back.member->session_timeout_ms);
        auto r = current_join_state(*g, "", false);
        r.leader = rejoin.old_leader.value_or("");
        r.error_code = append_error_to_response(e);
        if (parked) answer_join(*parked, std::move(r));
        return;
    }
    auto parked = g->take_join(*m);
    msg::join_group_response r;
    if (rejoin.version >= 9) {
        // KIP-814: the leader is told it is leader but skips the assignment.
        bool leader = g->is_leader(rejoin.new_member_id);
        r = current_join_state(*g, rejoin.new_member_id, leader);
        r.skip_assignment = leader;
    } else {
        // Older clients: the old leader id keeps a rejoining leader from reassigning.
        r = current_join_state(*g, rejoin.new_member_id, false);
        r.leader = rejoin.old_leader.value_or("");
    }
    if (parked) answer_join(*parked, std::move(r));
}

void group_coordinator::impl::maybe_prepare_rebalance_or_complete_join(classic_group& g, const std::string& reason) {
    if (g.in_state(group_state::stable) || g.in_state(group_state::completing_rebalance) ||
        g.in_state(group_state::empty))
        return prepare_rebalance(g, reason);
    maybe_complete_join_phase(g);
}

void group_coordinator::impl::prepare_rebalance(classic_group& g, const std::string& reason) {
    if (g.in_state(group_state::completing_rebalance))
        reset_and_propagate_assignment_with_error(g, error_code::rebalance_in_progress);
    cancel(sync_key(g.group_id()));
    const bool initial = g.in_state(group_state::empty);
    std::string group_id = g.group_id();
    if (initial) {
        // group.initial.rebalance.delay.ms: give the other members of a new group time to join.
        int32_t delay = config.initial_rebalance_delay_ms;
        int32_t remaining = std::max(g.rebalance_timeout_ms() - delay, 0);
        schedule(join_key(group_id), group_id, delay,
                 [this, group_id, delay, remaining] { try_complete_initial_rebalance(group_id, delay, remaining); });
    }
    g.transition_to(group_state::preparing_rebalance, timers.now_ms());
    log::info("group {}: preparing to rebalance (generation {}): {}", group_id, g.generation(), reason);
    if (initial) return;
    if (g.all_members_joined()) return complete_join(group_id);
    schedule(join_key(group_id), group_id, g.rebalance_timeout_ms(), [this, group_id] { complete_join(group_id); });
}

void group_coordinator::impl::maybe_complete_join_phase(classic_group& g) {
    if (g.in_state(group_state::preparing_rebalance) && g.all_members_joined() &&
        g.previous_state() != group_state::empty)
        complete_join(g.group_id());
}

void group_coordinator::impl::try_complete_initial_rebalance(const std::string& group_id, int32_t delay_ms,
                                                             int32_t remaining_ms) {
    classic_group* g = find_group(group_id);
    if (!g || !g->in_state(group_state::preparing_rebalance)) return;
    if (g->new_member_added && remaining_ms != 0) {
        g->new_member_added = false;
        int32_t next_delay = std::min(config.initial_rebalance_delay_ms, remaining_ms);
        int32_t next_remaining = std::max(remaining_ms - delay_ms, 0);
        schedule(join_key(group_id), group_id, next_delay, [this, group_id, next_delay, next_remaining] {
            try_complete_initial_rebalance(group_id, next_delay, next_remaining);
        });
        return;
    }
    complete_join(group_id);
}

void group_coordinator::impl::complete_join(const std::string& group_id) {
    classic_group* g = find_group(group_id);
    if (!g || !g->in_state(group_state::preparing_rebalance)) return;
    cancel(join_key(group_id));
    // Dynamic members that did not rejoin in time leave the group; static ones stay until
    // their session expires (KIP-345).
    std::vector<group_member*> missing;
    for (const auto& m : g->members())
        if (!m->awaiting_join && !m->is_static()) missing.push_back(m.get());
    for (group_member* m : missing) {
        log::info("group {}: member {} did not rejoin before the rebalance timeout; removed", group_id, m->member_id);
        remove_member(*g, *m);
    }
    if (!g->elect_joined_leader() && !g->empty_of_members()) {
        // Nobody rejoined: wait another rebalance timeout for sessions to expire.
        log::warn("group {}: no member rejoined; rebalance postponed", group_id);
        schedule(join_key(group_id), group_id, g->rebalance_timeout_ms(), [this, group_id] { complete_join(group_id); });
        return;
    }
    g->init_next_generation(timers.now_ms());
    if (g->in_state(group_state::empty)) {
        log::info("group {}: generation {} is empty", group_id, g->generation());
        write(g->partition(), {group_metadata_record(group_id, group_metadata(*g, {}))}, [group_id](error_code e) {
            if (e != error_code::none)
                log::warn("group {}: writing the empty group's metadata failed: {}", group_id, protocol::name(e));
        });
        return;
    }
    log::info("group {}: generation {} with {} members, protocol {}", group_id, g->generation(), g->size(),
              *g->protocol_name());
    std::vector<std::pair<parked_join, msg::join_group_response>> answers;
    for (const auto& m : g->members()) {
        auto parked = g->take_join(*m);
        if (parked) answers.emplace_back(std::move(*parked), current_join_state(*g, m->member_id, g->is_leader(m->member_id)));
        reschedule_heartbeat(*g, *m, m->session_timeout_ms);
        m->is_new = false;
        g->add_pending_sync(m->member_id);
    }
    schedule_pending_sync(*g);
    for (auto& [parked, response] : answers) answer_join(parked, std::move(response));
}

} // namespace sluice::coordinator
