#include "coordinator/assignor_group.h"

#include <algorithm>

#include "base/assert.h"

namespace sluice::coordinator::detail {

assignor_group::assignor_group(const assignment_spec& spec) {
    for (const auto& m : spec.members) members.push_back(&m);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->member_id < b->member_id; });
    for (size_t i = 1; i < members.size(); ++i) {
        SLUICE_ASSERT(members[i - 1]->member_id != members[i]->member_id, "duplicate member id");
    }

    for (const auto& t : spec.topics) topics.push_back(&t);
    std::sort(topics.begin(), topics.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
    for (size_t i = 0; i < topics.size(); ++i) {
        SLUICE_ASSERT(topics[i]->partition_count >= 0, "negative partition count");
        SLUICE_ASSERT(i == 0 || topics[i - 1]->id != topics[i]->id, "duplicate topic id");
    }

    subscriptions.resize(members.size());
    subscribers.resize(topics.size());
    for (size_t m = 0; m < members.size(); ++m) {
        auto& subscribed = subscriptions[m];
        for (const auto& id : members[m]->subscribed_topic_ids) {
            if (int32_t t = topic_index(id); t >= 0) subscribed.push_back(t);
        }
        std::sort(subscribed.begin(), subscribed.end());
        subscribed.erase(std::unique(subscribed.begin(), subscribed.end()), subscribed.end());
        for (int32_t t : subscribed) subscribers[t].push_back(static_cast<int32_t>(m));
    }
}

int32_t assignor_group::topic_index(const uuid& id) const {
    auto it = std::lower_bound(topics.begin(), topics.end(), id,
                               [](const auto* t, const uuid& key) { return t->id < key; });
    if (it == topics.end() || (*it)->id != id) return -1;
    return static_cast<int32_t>(it - topics.begin());
}

bool assignor_group::subscribes(int32_t member, int32_t topic) const {
    const auto& subscribed = subscriptions[member];
    return std::binary_search(subscribed.begin(), subscribed.end(), topic);
}

bool assignor_group::homogeneous() const {
    return std::all_of(subscriptions.begin(), subscriptions.end(),
                       [&](const auto& s) { return s == subscriptions.front(); });
}

partition_owners retained_owners(const assignor_group& group) {
    partition_owners owners(group.topics.size());
    for (size_t t = 0; t < group.topics.size(); ++t) {
        owners[t].assign(group.partition_count(static_cast<int32_t>(t)), no_member);
    }
    for (size_t m = 0; m < group.members.size(); ++m) {
        const auto member = static_cast<int32_t>(m);
        for (const auto& [topic_id, partitions] : group.members[m]->current_assignment) {
            int32_t t = group.topic_index(topic_id);
            if (t < 0 || !group.subscribes(member, t)) continue;
            for (auto p : partitions) {
                int32_t partition = p.value();
                if (partition < 0 || partition >= group.partition_count(t)) continue;
                if (owners[t][partition] == no_member) owners[t][partition] = member;
            }
        }
    }
    return owners;
}

group_assignment to_assignment(const assignor_group& group, const partition_owners& owners) {
    group_assignment out;
    std::vector<topic_partitions*> by_member;
    for (const auto* m : group.members) by_member.push_back(&out[m->member_id]);
    for (size_t t = 0; t < owners.size(); ++t) {
        for (size_t p = 0; p < owners[t].size(); ++p) {
            int32_t owner = owners[t][p];
            if (owner == no_member) continue;
            (*by_member[owner])[group.topics[t]->id].push_back(
                model::partition_id{static_cast<int32_t>(p)});
        }
    }
    return out;
}

} // namespace sluice::coordinator::detail
