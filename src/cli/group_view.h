#pragma once
// group_view: what `sluice group list|describe` print, apart from any client. The commands fill
// these plain structs from librdkafka's results (group_list_delete.cc, group_describe.cc);
// rendering them is pure and unit-tested.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/group_offsets.h"
#include "cli/json_writer.h"

namespace sluice::cli {

// One group of a ListGroups answer.
struct group_listing {
    std::string group;
    std::string state; // as Kafka names it ("Stable"); "Unknown" from a broker before ListGroups v4
    bool simple = false; // protocol type empty: offsets committed without the group protocol
};

// GROUP STATE TYPE, sorted by group; TYPE is "consumer" or "simple".
std::string group_list_table(std::vector<group_listing> groups);
std::string group_list_json(std::vector<group_listing> groups);

struct group_member {
    std::string consumer_id; // the member id the coordinator gave
    std::optional<std::string> group_instance_id; // KIP-345 static membership
    std::string client_id;
    std::string host;
    std::vector<topic_partition> assignment;
};

struct group_coordinator {
    int32_t id = -1;
    std::string host;
    int port = 0;
};

struct group_description {
    std::string group;
    std::string state;
    bool simple = false;
    std::optional<group_coordinator> coordinator;
    std::string assignor; // empty without members
    std::vector<group_member> members;
    std::map<topic_partition, int64_t> committed;
    // The log end (high watermark) of every partition that is committed or assigned.
    std::map<topic_partition, int64_t> log_end;
};

// One line of the offsets view: a partition the group committed or was assigned, or a member
// without partitions (no partition).
struct group_offset_row {
    std::optional<topic_partition> partition;
    std::optional<int64_t> current_offset;
    std::optional<int64_t> log_end_offset;
    std::optional<int64_t> lag; // log end minus committed, when both are known
    const group_member* member = nullptr;
};

// Partitions by topic and partition, then the members without partitions.
std::vector<group_offset_row> group_offset_rows(const group_description& group);

// "Group: G  State: S  Members: N  Coordinator: ID  Assignor: A", then the table GROUP TOPIC
// PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID ("-" for unknown).
std::string group_offsets_table(const group_description& group);
// GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS, one row per member of every group.
std::string group_members_table(const std::vector<group_description>& groups);
// GROUP COORDINATOR ASSIGNMENT-STRATEGY STATE #MEMBERS, one row per group.
std::string group_state_table(const std::vector<group_description>& groups);
// Everything of every group, as one JSON array.
std::string group_describe_json(const std::vector<group_description>& groups);

} // namespace sluice::cli
