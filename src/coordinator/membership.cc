// Heartbeat, LeaveGroup and session expiry of classic group members (Kafka 4.0
// classicGroupHeartbeat, classicGroupLeave, expireClassicGroupMemberHeartbeat).
#include "base/log.h"
#include "coordinator/coordinator_impl.h"

namespace sluice::coordinator {

error_code group_coordinator::impl::validate_member(const classic_group& g, const std::string& member_id,
                                                    const std::optional<std::string>& instance_id) const {
    if (instance_id) {
        const std::string* existing = g.static_member_id(*instance_id);
        if (!existing) return error_code::unknown_member_id;
        if (*existing != member_id) {
            // KIP-345: a newer member holds this instance id.
            log::info("group {}: member {} with instance id {} is fenced by {}", g.group_id(), member_id,
                      *instance_id, *existing);
            return error_code::fenced_instance_id;
        }
        return error_code::none;
    }
    return g.find(member_id) ? error_code::none : error_code::unknown_member_id;
}

void group_coordinator::impl::reschedule_heartbeat(classic_group& g, group_member& m, int64_t timeout_ms) {
    std::string group_id = g.group_id();
    std::string member_id = m.member_id;
    schedule(heartbeat_key(group_id, member_id), group_id, timeout_ms,
             [this, group_id, member_id] { expire_member_heartbeat(group_id, member_id); });
}

void group_coordinator::impl::expire_member_heartbeat(const std::string& group_id, const std::string& member_id) {
    classic_group* g = find_group(group_id);
    if (!g || g->in_state(group_state::dead)) return;
    if (g->is_pending(member_id)) {
        log::info("group {}: pending member {} did not rejoin within its session timeout", group_id, member_id);
        g->remove(member_id);
        if (g->in_state(group_state::preparing_rebalance) && g->all_members_joined()) complete_join(group_id);
        return;
    }
    group_member* m = g->find(member_id);
    // A member parked in a barrier is alive; its session restarts when the barrier completes.
    if (!m || m->satisfied_heartbeat()) return;
    log::info("group {}: member {} session expired; removing it", group_id, member_id);
    remove_member_and_update_group(*g, *m, "member " + member_id + " session expired");
}

void group_coordinator::impl::remove_member(classic_group& g, group_member& m) {
    cancel(heartbeat_key(g.group_id(), m.member_id));
    // A member parked in JoinGroup (its join timed out) is told to rejoin from scratch.
    auto join = g.take_join(m);
    auto sync = g.take_sync(m);
    std::string member_id = m.member_id;
    g.remove(member_id);
    if (join) {
        msg::join_group_response r;
        r.error_code = error_code::unknown_member_id;
        answer_join(*join, std::move(r));
    }
    if (sync) {
        msg::sync_group_response r;
        r.error_code = error_code::unknown_member_id;
        answer_sync(*sync, std::move(r));
    }
}

void group_coordinator::impl::remove_member_and_update_group(classic_group& g, group_member& m,
                                                             const std::string& reason) {
    remove_member(g, m);
    if (g.in_state(group_state::stable) || g.in_state(group_state::completing_rebalance))
        maybe_prepare_rebalance_or_complete_join(g, reason);
    else if (g.in_state(group_state::preparing_rebalance) && g.all_members_joined())
        complete_join(g.group_id());
}

msg::heartbeat_response group_coordinator::impl::heartbeat(const msg::heartbeat_request& request) {
    msg::heartbeat_response r;
    auto answer = [&](error_code e) {
        r.error_code = e;
        return r;
    };
    if (request.group_id.empty()) return answer(error_code::invalid_group_id);
    error_code status = partition_error(request.group_id);
    // Kafka answers heartbeats blindly while the group is loading.
    if (status == error_code::coordinator_load_in_progress) return answer(error_code::none);
    if (status != error_code::none) return answer(status);
    classic_group* g = find_group(request.group_id);
    if (!g) return answer(error_code::unknown_member_id);
    if (g->in_state(group_state::dead)) return answer(error_code::coordinator_not_available);
    if (error_code e = validate_member(*g, request.member_id, request.group_instance_id); e != error_code::none)
        return answer(e);
    if (request.generation_id != g->generation()) return answer(error_code::illegal_generation);
    group_member& m = *g->find(request.member_id);
    switch (g->state()) {
    case group_state::preparing_rebalance:
        reschedule_heartbeat(*g, m, m.session_timeout_ms);
        return answer(error_code::rebalance_in_progress);
    case group_state::completing_rebalance:
    case group_state::stable: reschedule_heartbeat(*g, m, m.session_timeout_ms); return answer(error_code::none);
    case group_state::empty: return answer(error_code::unknown_member_id);
    case group_state::dead: break;
    }
    return answer(error_code::coordinator_not_available);
}

msg::leave_group_response group_coordinator::impl::leave_group(int16_t version, const msg::leave_group_request& request) {
    msg::leave_group_response response;
    auto fail = [&](error_code e) {
        response.error_code = e;
        return response;
    };
    if (request.group_id.empty()) return fail(error_code::invalid_group_id);
    if (error_code e = partition_error(request.group_id); e != error_code::none) return fail(e);
    std::vector<msg::leave_group_request::member_identity> leaving = request.members;
    if (version <= 2) {
        leaving.clear();
        leaving.emplace_back().member_id = request.member_id;
    }
    classic_group* g = find_group(request.group_id);
    if (!g) return fail(error_code::unknown_member_id);
    if (g->in_state(group_state::dead)) return fail(error_code::coordinator_not_available);

    size_t removed = 0;
    for (const auto& who : leaving) {
        auto& out = response.members.emplace_back();
        out.member_id = who.member_id;
        out.group_instance_id = who.group_instance_id;
        out.error_code = error_code::none;
        if (who.member_id.empty()) {
            // KIP-345: an administrator removes a static member by its instance id alone.
            const std::string* id = who.group_instance_id ? g->static_member_id(*who.group_instance_id) : nullptr;
            if (!id) {
                out.error_code = error_code::unknown_member_id;
                continue;
            }
            remove_member(*g, *g->find(*id));
        } else if (g->is_pending(who.member_id)) {
            cancel(heartbeat_key(g->group_id(), who.member_id));
            g->remove(who.member_id);
        } else if (error_code e = validate_member(*g, who.member_id, who.group_instance_id); e != error_code::none) {
            out.error_code = e;
            continue;
        } else {
            remove_member(*g, *g->find(who.member_id));
        }
        log::info("group {}: member {} left", g->group_id(), who.member_id.empty() ? *who.group_instance_id : who.member_id);
        ++removed;
    }
    if (removed > 0) {
        if (g->in_state(group_state::stable) || g->in_state(group_state::completing_rebalance))
            maybe_prepare_rebalance_or_complete_join(*g, "members left the group");
        else if (g->in_state(group_state::preparing_rebalance))
            maybe_complete_join_phase(*g);
    }
    if (version <= 2) {
        // One member, no per-member list: its error is the response's.
        response.error_code = response.members.front().error_code;
        response.members.clear();
    }
    return response;
}

} // namespace sluice::coordinator
