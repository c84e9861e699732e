#pragma once
// consumer_group: one KIP-848 consumer group exactly as its __consumer_offsets records (types
// 3-8, `consumer_group_records.h`) describe it: group epoch, subscription metadata, members with
// their subscriptions and current assignments, the target assignment and its epoch (Kafka 4.0's
// ConsumerGroup / ConsumerGroupMember). `apply()` is its only mutator, used both when the
// coordinator's own records become durable and when a partition is replayed, so the in-memory
// view is always what a replay rebuilds. The group state (Empty, Assigning, Reconciling, Stable)
// is derived, never stored. A plain value: the coordinator copies it to compute a heartbeat's
// records. Owned by group_coordinator; used only on its shard.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/uuid.h"
#include "coordinator/assignors.h"
#include "coordinator/consumer_group_records.h"

namespace sluice::coordinator {

// KIP-848 epochs with a meaning of their own.
inline constexpr int32_t leave_group_member_epoch = -1;        // the member leaves
inline constexpr int32_t leave_group_static_member_epoch = -2; // a static member leaves for a while

enum class consumer_group_state : uint8_t { empty, assigning, reconciling, stable, dead };
// "Empty", "Assigning", "Reconciling", "Stable", "Dead" (ListGroups, ConsumerGroupDescribe).
std::string_view state_name(consumer_group_state s) noexcept;

// Kafka's MemberState (the int8 of ConsumerGroupCurrentMemberAssignmentValue.State).
enum class member_state : int8_t { stable = 0, unrevoked_partitions = 1, unreleased_partitions = 2, unknown = 127 };

struct consumer_member {
    std::string member_id;
    // ---- member metadata (record 5) ----
    std::optional<std::string> instance_id;
    std::optional<std::string> rack_id;
    std::string client_id;
    std::string client_host;
    std::vector<std::string> subscribed_topic_names; // sorted, no duplicates
    std::optional<std::string> subscribed_topic_regex;
    int32_t rebalance_timeout_ms = -1;
    std::optional<std::string> server_assignor;
    // ---- current assignment (record 8) ----
    int32_t member_epoch = 0;
    int32_t previous_member_epoch = 0;
    member_state state = member_state::stable;
    topic_partitions assigned;           // owned at member_epoch
    topic_partitions pending_revocation; // still owned, to give up before the next epoch

    bool operator==(const consumer_member&) const = default;
    bool same_metadata(const consumer_member& o) const noexcept;
    bool reconciled_to(int32_t target_epoch) const noexcept {
        return state == member_state::stable && member_epoch == target_epoch;
    }
};

// A subscribed topic as the group last resolved it (record 4).
struct subscribed_topic {
    uuid id;
    int32_t partition_count = 0;
    bool operator==(const subscribed_topic&) const = default;
};
using subscription_metadata = std::map<std::string, subscribed_topic>; // by topic name

struct consumer_group {
    consumer_group(std::string id, int32_t partition_index) : group_id(std::move(id)), partition(partition_index) {}

    std::string group_id;
    int32_t partition;
    int32_t group_epoch = 0;
    int32_t assignment_epoch = 0;
    subscription_metadata subscriptions;
    std::map<std::string, consumer_member> members;       // by member id
    std::map<std::string, std::string> static_members;    // instance id → member id
    std::map<std::string, topic_partitions> target;       // member id → target assignment
    // (topic id, partition) → epoch of the member that owns it (assigned or pending revocation).
    std::map<std::pair<uuid, int32_t>, int32_t> partition_epochs;

    consumer_group_state state() const noexcept;
    const consumer_member* find(const std::string& member_id) const noexcept;
    const consumer_member* static_member(const std::string& instance_id) const noexcept;
    // -1 when no member owns the partition.
    int32_t current_partition_epoch(const uuid& topic, int32_t partition) const noexcept;
    const topic_partitions& target_of(const std::string& member_id) const noexcept;
    // The assignor most members ask for (ties: the smaller name), if any asks.
    std::optional<std::string> preferred_assignor() const;
    // Topic names any member subscribes to.
    std::vector<std::string> subscribed_topic_names() const;
    bool subscribed_to(const std::string& topic) const;

    // Applies one of the group's records (asserts it is this group's).
    void apply(const consumer_record& record);

private:
    void set_current_assignment(consumer_member& m, int32_t epoch, int32_t previous_epoch, member_state state,
                                topic_partitions assigned, topic_partitions pending);
    void release_partitions(const consumer_member& m);
    void remove_member(const std::string& member_id);
};

// The records of a group's changes (Kafka's GroupCoordinatorRecordHelpers, types 3-8).
consumer_record group_epoch_record(const std::string& group_id, int32_t epoch);
consumer_record subscription_metadata_record(const std::string& group_id, const subscription_metadata& topics);
consumer_record member_metadata_record(const std::string& group_id, const consumer_member& m);
consumer_record target_epoch_record(const std::string& group_id, int32_t epoch);
consumer_record target_member_record(const std::string& group_id, const std::string& member_id,
                                     const topic_partitions& partitions);
consumer_record current_assignment_record(const std::string& group_id, const consumer_member& m);
consumer_record consumer_tombstone(int16_t type, const std::string& group_id, const std::string& member_id = {});

// A change to a group being computed: each record is applied to `work` (a copy of the group) as
// it is made, so later steps see it; `records` are appended once the change is complete, and
// `work` replaces the group once they are durable.
struct consumer_change {
    explicit consumer_change(consumer_group g) : work(std::move(g)) {}
    consumer_group work;
    std::vector<offsets_record> records;
    void emit(const consumer_record& r) {
        work.apply(r);
        records.push_back(encode(r));
    }
};

} // namespace sluice::coordinator
