#pragma once
// assignor_group: an assignment_spec in index form, shared by the assignors (internal to
// assignors.cc, uniform_assignor.cc and range_assignor.cc). Members are numbered in member id
// order and topics in topic id order, so everything built on the indices is deterministic
// whatever the order of the spec. Borrows the spec: it must outlive the group.
#include <cstdint>
#include <vector>

#include "coordinator/assignors.h"

namespace sluice::coordinator::detail {

inline constexpr int32_t no_member = -1;

// owners[topic][partition]: the index of the member that owns the partition, or no_member.
using partition_owners = std::vector<std::vector<int32_t>>;

struct assignor_group {
    std::vector<const assignor_member*> members;      // ascending member id
    std::vector<const assignor_topic*> topics;        // ascending topic id
    std::vector<std::vector<int32_t>> subscriptions;  // member → ascending topic indices
    std::vector<std::vector<int32_t>> subscribers;    // topic → ascending member indices

    explicit assignor_group(const assignment_spec& spec);

    // The index of a topic, or -1 when the spec has no such topic.
    int32_t topic_index(const uuid& id) const;
    int32_t partition_count(int32_t topic) const { return topics[topic]->partition_count; }
    bool subscribes(int32_t member, int32_t topic) const;
    // True when every member subscribes to the same (known) topics.
    bool homogeneous() const;
};

// The current assignment each member may keep: partitions of topics it still subscribes to
// that still exist. Were two members to claim one partition (never in a target assignment the
// coordinator wrote), the first in member order keeps it.
partition_owners retained_owners(const assignor_group& group);

// Owners → the result: every member present, partitions ascending, no empty topics.
group_assignment to_assignment(const assignor_group& group, const partition_owners& owners);

} // namespace sluice::coordinator::detail
