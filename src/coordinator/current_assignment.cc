#include "coordinator/current_assignment.h"

#include <algorithm>
#include <set>

namespace sluice::coordinator {

namespace {

bool owns_any(const std::optional<topic_partitions>& owned, const topic_partitions& revoking) {
    if (!owned) return true; // not reported: it may still own them
    for (const auto& [topic, parts] : *owned) {
        auto it = revoking.find(topic);
        if (it == revoking.end()) continue;
        for (auto p : parts)
            if (std::binary_search(it->second.begin(), it->second.end(), p)) return true;
    }
    return false;
}

consumer_member with_assignment(const consumer_member& m, member_state state, int32_t epoch,
                                topic_partitions assigned, topic_partitions pending) {
    consumer_member out = m;
    out.state = state;
    // Kafka's updateMemberEpoch: the previous epoch is the one before this step, even unchanged.
    out.previous_member_epoch = m.member_epoch;
    out.member_epoch = epoch;
    out.assigned = std::move(assigned);
    out.pending_revocation = std::move(pending);
    return out;
}

// Kafka's computeNextAssignment: keep what stays, revoke what goes (staying at `epoch`), or move
// to the target epoch with what is free to take.
consumer_member next_assignment(const consumer_member& m, int32_t epoch, int32_t target_epoch,
                                const topic_partitions& target, const partition_epoch_fn& partition_epoch) {
    std::set<uuid> topics;
    for (const auto& [t, p] : target) topics.insert(t);
    for (const auto& [t, p] : m.assigned) topics.insert(t);
    static const std::vector<model::partition_id> none;
    topic_partitions kept, revoking, adding;
    bool unreleased = false;
    for (const auto& topic : topics) {
        auto ti = target.find(topic);
        auto ci = m.assigned.find(topic);
        const auto& want = ti == target.end() ? none : ti->second;
        const auto& have = ci == m.assigned.end() ? none : ci->second;
        std::vector<model::partition_id> keep, revoke, add;
        std::set_intersection(have.begin(), have.end(), want.begin(), want.end(), std::back_inserter(keep));
        std::set_difference(have.begin(), have.end(), keep.begin(), keep.end(), std::back_inserter(revoke));
        std::vector<model::partition_id> missing;
        std::set_difference(want.begin(), want.end(), keep.begin(), keep.end(), std::back_inserter(missing));
        for (auto p : missing) {
            if (partition_epoch(topic, p.value()) != -1) {
                unreleased = true; // its previous owner has not revoked it yet
            } else {
                add.push_back(p);
            }
        }
        if (!keep.empty()) kept[topic] = std::move(keep);
        if (!revoke.empty()) revoking[topic] = std::move(revoke);
        if (!add.empty()) adding[topic] = std::move(add);
    }
    if (!revoking.empty())
        return with_assignment(m, member_state::unrevoked_partitions, epoch, std::move(kept), std::move(revoking));
    for (auto& [topic, parts] : adding) {
        auto& into = kept[topic];
        into.insert(into.end(), parts.begin(), parts.end());
        std::sort(into.begin(), into.end());
    }
    return with_assignment(m, unreleased ? member_state::unreleased_partitions : member_state::stable, target_epoch,
                           std::move(kept), {});
}

} // namespace

consumer_member reconcile(const consumer_member& m, int32_t target_epoch, const topic_partitions& target,
                          const partition_epoch_fn& partition_epoch, const std::optional<topic_partitions>& owned) {
    switch (m.state) {
    case member_state::stable:
        if (m.member_epoch == target_epoch) return m;
        return next_assignment(m, m.member_epoch, target_epoch, target, partition_epoch);
    case member_state::unrevoked_partitions:
        // Waits until the member no longer reports the partitions it must give up.
        if (owns_any(owned, m.pending_revocation)) return m;
        return next_assignment(m, m.member_epoch, target_epoch, target, partition_epoch);
    case member_state::unreleased_partitions:
        return next_assignment(m, m.member_epoch, target_epoch, target, partition_epoch);
    case member_state::unknown: break;
    }
    // A state a newer Kafka wrote: start over from what the member owns.
    consumer_member fresh = m;
    fresh.state = member_state::stable;
    return next_assignment(fresh, m.member_epoch, target_epoch, target, partition_epoch);
}

} // namespace sluice::coordinator
