#pragma once
// The server-side partition assignors of KIP-848 consumer groups (Kafka 4.0's
// `group.consumer.assignors`): `uniform` (the default) and `range`. Pure functions of their
// input: no I/O, no clock, no randomness, no state between calls; the same input (in any
// order of members, topics or subscriptions) gives the same output. Callable from any thread.
//
// The group coordinator calls one when a group's target assignment must be recomputed
// (membership, subscriptions or topic metadata changed) and stores the result as the new
// target assignment (ConsumerGroupTargetAssignment* records).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/uuid.h"

namespace sluice::coordinator {

// Topic id → partitions, ascending and without duplicates.
using topic_partitions = std::map<uuid, std::vector<model::partition_id>>;

// A topic as the assignors see it: the image's id, name and partition count (>= 0).
struct assignor_topic {
    uuid id;
    std::string name;
    int32_t partition_count = 0;
};

// A group member as the assignors see it. `current_assignment` is the member's assignment in
// the group's current target assignment (the uniform assignor stays close to it). `rack_id` is
// carried for rack-aware assignors; Kafka 4.0's uniform and range do not use it.
struct assignor_member {
    std::string member_id;
    std::optional<std::string> instance_id;
    std::optional<std::string> rack_id;
    std::vector<uuid> subscribed_topic_ids;
    topic_partitions current_assignment;
};

// Member ids must be distinct, as must topic ids (asserted). A subscribed topic id that is not
// in `topics` (deleted since the subscription was resolved) is treated as not subscribed; a
// current partition of a topic the member no longer subscribes to, of a topic that no longer
// exists or beyond its partition count is revoked.
struct assignment_spec {
    std::vector<assignor_member> members;
    std::vector<assignor_topic> topics;
};

// Member id → target assignment. Every member of the spec has an entry (possibly empty); a
// topic appears in a member's map only with at least one partition. Every partition of every
// subscribed topic is assigned to exactly one of its subscribers.
using group_assignment = std::map<std::string, topic_partitions>;

// Kafka's UniformAssignor. Homogeneous subscriptions: partition counts differ by at most one
// across members, and the fewest partitions move (each member keeps as many of its current
// partitions as that balance allows). Heterogeneous subscriptions: each member keeps its
// current subscribed partitions, the rest go to the least loaded subscribers, then partitions
// move from the most to the least loaded subscriber of each topic until, for every topic, no
// owner of one of its partitions has two more partitions in total than another of its
// subscribers (Kafka's UniformHeterogeneousAssignmentBuilder; bounded to 16 passes).
group_assignment assign_uniform(const assignment_spec& spec);

// Kafka 4.0's server-side RangeAssignor: for each topic, its subscribers in order (members
// with an instance id first, by instance id, then the others by member id) take contiguous
// ranges, the first `partitions % subscribers` of them one partition more. Topics with the
// same partition count and subscribers are co-partitioned. It ignores current assignments:
// a member keeps its ranges while the ordered subscribers and partition counts stay the same,
// which static members (instance ids) make stable across restarts.
group_assignment assign_range(const assignment_spec& spec);

enum class assignor_kind { uniform, range };

// "uniform" / "range" (the names consumers send in ConsumerGroupHeartbeat.ServerAssignor).
std::string_view assignor_name(assignor_kind kind) noexcept;
std::optional<assignor_kind> assignor_from_name(std::string_view name) noexcept;

group_assignment assign(assignor_kind kind, const assignment_spec& spec);

} // namespace sluice::coordinator
