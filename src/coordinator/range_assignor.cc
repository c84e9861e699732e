// The range assignor (Kafka 4.0's server-side RangeAssignor).
#include <algorithm>
#include <numeric>

#include "coordinator/assignor_group.h"
#include "coordinator/assignors.h"

namespace sluice::coordinator {
namespace {

// Kafka's member order: static members (with an instance id) first, by instance id, so that a
// static member that restarts with a new member id takes back its ranges; then the others by
// member id. The member index (member id order) breaks ties.
std::vector<int32_t> range_order(const detail::assignor_group& group) {
    std::vector<int32_t> order(group.members.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        const auto& a_instance = group.members[a]->instance_id;
        const auto& b_instance = group.members[b]->instance_id;
        if (a_instance.has_value() != b_instance.has_value()) return a_instance.has_value();
        return a_instance.has_value() && *a_instance < *b_instance;
    });
    return order;
}

} // namespace

group_assignment assign_range(const assignment_spec& spec) {
    detail::assignor_group group(spec);
    if (group.members.empty()) return {};
    const std::vector<int32_t> order = range_order(group);

    detail::partition_owners owners(group.topics.size());
    for (size_t t = 0; t < group.topics.size(); ++t) {
        const int32_t partition_count = group.partition_count(static_cast<int32_t>(t));
        owners[t].assign(partition_count, detail::no_member);
        const auto subscriber_count = static_cast<int32_t>(group.subscribers[t].size());
        if (subscriber_count == 0) continue;

        const int32_t minimum_quota = partition_count / subscriber_count;
        int32_t extra = partition_count % subscriber_count;
        int32_t next = 0;
        for (int32_t m : order) {
            if (!group.subscribes(m, static_cast<int32_t>(t))) continue;
            int32_t end = next + minimum_quota + (extra > 0 ? 1 : 0);
            if (extra > 0) --extra;
            for (; next < end; ++next) owners[t][next] = m;
        }
    }
    return detail::to_assignment(group, owners);
}

} // namespace sluice::coordinator
