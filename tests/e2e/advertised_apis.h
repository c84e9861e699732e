#pragma once
// What the broker under test advertises in ApiVersions, for tests written against Kafka's
// behaviour before the broker served the APIs they need: such a test asks first and skips,
// naming the missing APIs, while the broker does not advertise them.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sluice::e2e {

// An API a test needs: its key (Kafka protocol) and name.
struct api {
    int16_t key;
    const char* name;
};

inline constexpr api produce_api{0, "Produce"}, fetch_api{1, "Fetch"}, list_offsets_api{2, "ListOffsets"},
    metadata_api{3, "Metadata"}, offset_commit_api{8, "OffsetCommit"}, offset_fetch_api{9, "OffsetFetch"},
    find_coordinator_api{10, "FindCoordinator"}, join_group_api{11, "JoinGroup"}, heartbeat_api{12, "Heartbeat"},
    leave_group_api{13, "LeaveGroup"}, sync_group_api{14, "SyncGroup"}, describe_groups_api{15, "DescribeGroups"},
    list_groups_api{16, "ListGroups"}, create_topics_api{19, "CreateTopics"}, delete_topics_api{20, "DeleteTopics"},
    describe_configs_api{32, "DescribeConfigs"}, alter_configs_api{33, "AlterConfigs"},
    delete_groups_api{42, "DeleteGroups"};

// The API keys the broker on `port` advertises (ApiVersions v3); empty when it does not answer.
std::set<int16_t> advertised_apis(uint16_t port);

// The names of the APIs in `needed` that `advertised` lacks, comma-separated; empty when none.
std::string missing_apis(const std::set<int16_t>& advertised, const std::vector<api>& needed);

} // namespace sluice::e2e
