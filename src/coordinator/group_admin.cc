// DescribeGroups, ListGroups and DeleteGroups (Kafka 4.0); consumer groups' deletion is in
// consumer_membership.cc.
#include <algorithm>

#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

} // namespace

msg::describe_groups_response::described_group group_coordinator::impl::describe_group(int16_t version,
                                                                                       const std::string& group_id) {
    msg::describe_groups_response::described_group out;
    out.group_id = group_id;
    if (group_id.empty()) {
        out.error_code = error_code::invalid_group_id;
        return out;
    }
    if (error_code e = partition_error(group_id); e != error_code::none) {
        out.error_code = e;
        return out;
    }
    classic_group* g = find_group(group_id);
    if (!g || g->in_state(group_state::dead)) {
        out.group_state = std::string(state_name(group_state::dead));
        // KIP-1043 (v6): an unknown group is an error; before, a Dead group without one.
        // A consumer group is not a classic group: DescribeGroups does not describe it (Kafka 4.0).
        if (version >= 6) {
            out.error_code = error_code::group_id_not_found;
            out.error_message = consumer_groups.contains(group_id) ? "Group " + group_id + " is not a classic group."
                                                                   : "Group " + group_id + " not found.";
        }
        return out;
    }
    out.group_state = std::string(state_name(g->state()));
    out.protocol_type = g->protocol_type().value_or("");
    const bool stable = g->in_state(group_state::stable);
    // Member metadata and assignments are shown only once they are settled (Stable).
    if (stable) out.protocol_data = g->protocol_name().value_or("");
    for (const auto& m : g->members()) {
        auto& dm = out.members.emplace_back();
        dm.member_id = m->member_id;
        dm.group_instance_id = m->group_instance_id;
        dm.client_id = m->client_id;
        dm.client_host = m->client_host;
        if (stable) {
            if (const byte_buffer* md = m->metadata(out.protocol_data)) dm.member_metadata = *md;
            dm.member_assignment = m->assignment;
        }
    }
    return out;
}

std::vector<msg::list_groups_response::listed_group>
group_coordinator::impl::list_groups(const std::vector<std::string>& states, const std::vector<std::string>& types) const {
    std::vector<msg::list_groups_response::listed_group> out;
    for (const auto& [group_id, g] : groups) {
        if (partition_error(group_id) != error_code::none || g->in_state(group_state::dead)) continue;
        std::string_view state = state_name(g->state());
        auto state_ok = states.empty() || std::any_of(states.begin(), states.end(), [&](const std::string& s) {
                            return equal_ignoring_case(s, state);
                        });
        auto type_ok = types.empty() || std::any_of(types.begin(), types.end(), [](const std::string& t) {
                           return equal_ignoring_case(t, "classic");
                       });
        if (!state_ok || !type_ok) continue;
        auto& l = out.emplace_back();
        l.group_id = group_id;
        l.protocol_type = g->protocol_type().value_or("");
        l.group_state = std::string(state);
        l.group_type = "classic";
    }
    for (const auto& [group_id, g] : consumer_groups) {
        if (partition_error(group_id) != error_code::none) continue;
        std::string_view state = state_name(g->state());
        auto state_ok = states.empty() || std::any_of(states.begin(), states.end(), [&](const std::string& s) {
                            return equal_ignoring_case(s, state);
                        });
        auto type_ok = types.empty() || std::any_of(types.begin(), types.end(), [](const std::string& t) {
                           return equal_ignoring_case(t, "consumer");
                       });
        if (!state_ok || !type_ok) continue;
        auto& l = out.emplace_back();
        l.group_id = group_id;
        l.protocol_type = "consumer";
        l.group_state = std::string(state);
        l.group_type = "consumer";
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
    return out;
}

void group_coordinator::impl::delete_group(const std::string& group_id,
                                           callback<msg::delete_groups_response::deletable_group_result> done) {
    msg::delete_groups_response::deletable_group_result out;
    out.group_id = group_id;
    auto fail = [&](error_code e) {
        out.error_code = e;
        done(std::move(out));
    };
    if (group_id.empty()) return fail(error_code::invalid_group_id);
    if (error_code e = partition_error(group_id); e != error_code::none) return fail(e);
    if (find_consumer_group(group_id)) {
        // After the group's operations in flight, like every change of a consumer group.
        return enqueue_consumer_op(group_id, [this, group_id, done = std::move(done)](std::function<void()> release) {
            auto answer = [done, release](msg::delete_groups_response::deletable_group_result r) {
                done(std::move(r));
                release();
            };
            consumer_group* cg = partition_error(group_id) == error_code::none ? find_consumer_group(group_id) : nullptr;
            if (cg) return delete_consumer_group(*cg, answer);
            // Gone meanwhile (or converted): answer as for any group.
            release();
            delete_group(group_id, done);
        });
    }
    classic_group* g = find_group(group_id);
    if (!g || g->in_state(group_state::dead)) return fail(error_code::group_id_not_found);
    if (!g->in_state(group_state::empty)) return fail(error_code::non_empty_group);

    std::vector<offsets_record> records;
    std::vector<std::tuple<std::string, int32_t, offset_and_metadata>> removed;
    if (const auto* topics = offsets.group(group_id)) {
        for (const auto& [topic, parts] : *topics) {
            for (const auto& [p, o] : parts) {
                records.push_back(offset_tombstone(group_id, topic, p));
                removed.emplace_back(topic, p, o);
            }
        }
    }
    std::vector<pending_offsets::topic_partition> pending_removed = tombstone_pending_offsets(group_id, records);
    records.push_back(group_tombstone(group_id));
    const uint64_t order = next_log_order;
    write(g->partition(), std::move(records),
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
              // A member that joined or a commit that arrived meanwhile keeps the group (its next
              // record recreates it on replay).
              classic_group* g = find_group(group_id);
              if (g && g->in_state(group_state::empty) && g->empty_of_members() && g->pending_count() == 0 &&
                  !offsets.group(group_id) && !pending.contains(group_id))
                  drop_group(group_id);
              log::info("group {}: deleted", group_id);
              out.error_code = error_code::none;
              done(std::move(out));
          });
}

} // namespace sluice::coordinator
