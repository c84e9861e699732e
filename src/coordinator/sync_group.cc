// SyncGroup: the sync barrier (followers wait for the leader's assignment, which is persisted
// before anyone is answered) and the pending-sync deadline (Kafka 4.0 classicGroupSync).
#include "base/assert.h"
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

msg::sync_group_response sync_error(error_code e) {
    msg::sync_group_response r;
    r.error_code = e;
    return r;
}

// A protocol type/name the client sent (v5+) that differs from the group's.
bool inconsistent(const std::optional<std::string>& sent, const std::optional<std::string>& group) {
    return sent && group && *sent != *group;
}

} // namespace

void group_coordinator::impl::answer_sync(parked_sync& sync, msg::sync_group_response response) {
    auto done = std::move(sync.done);
    done(std::move(response));
}

void group_coordinator::impl::sync_group(int16_t version, msg::sync_group_request&& request, parked_sync sync) {
    if (request.group_id.empty()) return answer_sync(sync, sync_error(error_code::invalid_group_id));
    if (error_code e = partition_error(request.group_id); e != error_code::none)
        return answer_sync(sync, sync_error(e));
    classic_group* g = find_group(request.group_id);
    if (!g) return answer_sync(sync, sync_error(error_code::unknown_member_id));
    if (g->in_state(group_state::dead)) return answer_sync(sync, sync_error(error_code::coordinator_not_available));
    if (error_code e = validate_member(*g, request.member_id, request.group_instance_id); e != error_code::none)
        return answer_sync(sync, sync_error(e));
    if (request.generation_id != g->generation()) return answer_sync(sync, sync_error(error_code::illegal_generation));
    if (inconsistent(request.protocol_type, g->protocol_type()) || inconsistent(request.protocol_name, g->protocol_name()))
        return answer_sync(sync, sync_error(error_code::inconsistent_group_protocol));

    group_member& m = *g->find(request.member_id);
    switch (g->state()) {
    case group_state::preparing_rebalance: return answer_sync(sync, sync_error(error_code::rebalance_in_progress));
    case group_state::stable: {
        remove_pending_sync_member(*g, m.member_id);
        msg::sync_group_response r;
        r.protocol_type = g->protocol_type();
        r.protocol_name = g->protocol_name();
        r.assignment = m.assignment;
        return answer_sync(sync, std::move(r));
    }
    case group_state::completing_rebalance: break;
    case group_state::empty:
    case group_state::dead: return answer_sync(sync, sync_error(error_code::unknown_member_id));
    }
    if (m.awaiting_sync) answer_sync(*m.awaiting_sync, sync_error(error_code::rebalance_in_progress));
    m.awaiting_sync = std::move(sync);
    remove_pending_sync_member(*g, m.member_id);
    if (!g->is_leader(m.member_id)) return;
    std::map<std::string, byte_buffer> assignment;
    for (auto& a : request.assignments) assignment[a.member_id] = std::move(a.assignment);
    for (const auto& member : g->members()) {
        if (!assignment.contains(member->member_id)) {
            log::warn("group {}: leader {} gave no assignment to {}; it gets an empty one", g->group_id(),
                      m.member_id, member->member_id);
            assignment[member->member_id] = {};
        }
    }
    store_assignment(*g, request.generation_id, std::move(assignment), m.member_id);
}

void group_coordinator::impl::store_assignment(classic_group& g, int32_t generation,
                                               std::map<std::string, byte_buffer> assignment,
                                               const std::string& leader_id) {
    std::vector<offsets_record> records{group_metadata_record(g.group_id(), group_metadata(g, assignment))};
    std::string group_id = g.group_id();
    write(g.partition(), std::move(records),
          [this, group_id, generation, leader_id, assignment = std::move(assignment)](error_code e) {
              classic_group* g = find_group(group_id);
              // A member may have joined meanwhile: only the same generation, still waiting for
              // its assignment, takes it.
              if (!g || !g->in_state(group_state::completing_rebalance) || g->generation() != generation) return;
              if (e != error_code::none) {
                  error_code answer = append_error_to_response(e);
                  log::warn("group {}: storing the assignment of generation {} failed ({}); rebalancing", group_id,
                            generation, protocol::name(answer));
                  reset_and_propagate_assignment_with_error(*g, answer);
                  maybe_prepare_rebalance_or_complete_join(*g, "error storing the assignment of " + leader_id);
                  return;
              }
              for (const auto& m : g->members()) {
                  auto a = assignment.find(m->member_id);
                  m->assignment = a == assignment.end() ? byte_buffer{} : a->second;
              }
              propagate_assignment(*g, error_code::none);
              g->transition_to(group_state::stable, timers.now_ms());
          });
}

void group_coordinator::impl::propagate_assignment(classic_group& g, error_code error) {
    std::vector<std::pair<parked_sync, msg::sync_group_response>> answers;
    for (const auto& m : g.members()) {
        auto parked = g.take_sync(*m);
        if (!parked) continue;
        msg::sync_group_response r;
        r.error_code = error;
        if (error == error_code::none) {
            r.protocol_type = g.protocol_type();
            r.protocol_name = g.protocol_name();
        }
        r.assignment = m->assignment;
        answers.emplace_back(std::move(*parked), std::move(r));
        // A session that expired while the member waited was ignored: start a new one.
        reschedule_heartbeat(g, *m, m->session_timeout_ms);
    }
    for (auto& [parked, response] : answers) answer_sync(parked, std::move(response));
}

void group_coordinator::impl::reset_and_propagate_assignment_with_error(classic_group& g, error_code error) {
    SLUICE_ASSERT(g.in_state(group_state::completing_rebalance), "assignments are reset only while completing");
    for (const auto& m : g.members()) m->assignment.clear();
    propagate_assignment(g, error);
}

void group_coordinator::impl::schedule_pending_sync(classic_group& g) {
    std::string group_id = g.group_id();
    int32_t generation = g.generation();
    schedule(sync_key(group_id), group_id, g.rebalance_timeout_ms(),
             [this, group_id, generation] { expire_pending_sync(group_id, generation); });
}

void group_coordinator::impl::expire_pending_sync(const std::string& group_id, int32_t generation) {
    classic_group* g = find_group(group_id);
    if (!g || g->generation() != generation) return;
    if (!g->in_state(group_state::completing_rebalance) && !g->in_state(group_state::stable)) return;
    // Members that got their JoinGroup answer but never sent SyncGroup are gone.
    std::vector<std::string> pending(g->pending_sync().begin(), g->pending_sync().end());
    for (const auto& id : pending) {
        if (group_member* m = g->find(id)) remove_member(*g, *m);
    }
    prepare_rebalance(*g, "members did not send SyncGroup before the rebalance timeout");
}

void group_coordinator::impl::remove_pending_sync_member(classic_group& g, const std::string& member_id) {
    g.remove_pending_sync(member_id);
    if (g.pending_sync().empty()) cancel(sync_key(g.group_id()));
}

} // namespace sluice::coordinator
