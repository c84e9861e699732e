// DescribeGroups, ListGroups and DeleteGroups.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

struct groups_admin_test : coordinator_test {
    msg::delete_groups_response::deletable_group_result remove(const std::string& group) {
        answer<msg::delete_groups_response::deletable_group_result> a;
        coordinator->delete_group(2, group, a.cb());
        return *a;
    }
    void commit_standalone(const std::string& group, const std::string& topic, int32_t partition) {
        msg::offset_commit_request r;
        r.group_id = group;
        auto& t = r.topics.emplace_back();
        t.name = topic;
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{partition};
        p.committed_offset = model::offset{5};
        answer<msg::offset_commit_response> a;
        coordinator->offset_commit(8, std::move(r), a.cb());
    }
};

TEST_F(groups_admin_test, describe_states_and_members) {
    auto dead = describe("nobody");
    EXPECT_EQ(dead.error_code, error_code::none);
    EXPECT_EQ(dead.group_state, "Dead");
    EXPECT_EQ(dead.group_id, "nobody");
    auto v6 = describe("nobody", 6);
    EXPECT_EQ(v6.error_code, error_code::group_id_not_found);
    EXPECT_EQ(describe("").error_code, error_code::invalid_group_id);

    std::string id = member_id_for("g", {.client_id = "cli"});
    join("g", {.member_id = id, .instance_id = std::nullopt, .client_id = "cli"});
    auto completing = describe("g");
    EXPECT_EQ(completing.group_state, "CompletingRebalance");
    EXPECT_EQ(completing.protocol_type, "consumer");
    EXPECT_EQ(completing.protocol_data, "");
    ASSERT_EQ(completing.members.size(), 1u);
    EXPECT_TRUE(completing.members[0].member_metadata.empty()); // not shown until Stable
    sync("g", id, 1, {{id, {7}}});
    auto stable = describe("g");
    EXPECT_EQ(stable.group_state, "Stable");
    EXPECT_EQ(stable.protocol_data, "range");
    ASSERT_EQ(stable.members.size(), 1u);
    EXPECT_EQ(stable.members[0].member_id, id);
    EXPECT_EQ(stable.members[0].client_id, "cli");
    EXPECT_EQ(stable.members[0].client_host, "/127.0.0.1");
    EXPECT_EQ(stable.members[0].member_metadata, subscription({"t"}));
    EXPECT_EQ(stable.members[0].member_assignment, byte_buffer{7});
    EXPECT_EQ(stable.authorized_operations, INT32_MIN);
}

TEST_F(groups_admin_test, list_with_state_and_type_filters) {
    std::string id = stable_single("stable-group");
    commit_standalone("simple", "t", 0);
    auto all = coordinator->list_groups(5, {}, {});
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].group_id, "simple");
    EXPECT_EQ(all[0].group_state, "Empty");
    EXPECT_EQ(all[0].protocol_type, "");
    EXPECT_EQ(all[0].group_type, "classic");
    EXPECT_EQ(all[1].protocol_type, "consumer");
    auto stable = coordinator->list_groups(5, {"stable"}, {});
    ASSERT_EQ(stable.size(), 1u);
    EXPECT_EQ(stable[0].group_id, "stable-group");
    EXPECT_EQ(coordinator->list_groups(5, {"EMPTY", "Stable"}, {}).size(), 2u);
    EXPECT_EQ(coordinator->list_groups(5, {}, {"Classic"}).size(), 2u);
    EXPECT_TRUE(coordinator->list_groups(5, {}, {"consumer"}).empty());
    EXPECT_FALSE(coordinator->loading());
    coordinator->unload(0);
    EXPECT_TRUE(coordinator->list_groups(5, {}, {}).empty());
    coordinator->begin_load(0);
    EXPECT_TRUE(coordinator->loading()); // the server answers ListGroups COORDINATOR_LOAD_IN_PROGRESS
    coordinator->complete_load(0);
    EXPECT_FALSE(coordinator->loading());
    (void)id;
}

TEST_F(groups_admin_test, delete_groups) {
    EXPECT_EQ(remove("nobody").error_code, error_code::group_id_not_found);
    EXPECT_EQ(remove("").error_code, error_code::invalid_group_id);
    std::string id = stable_single("busy");
    EXPECT_EQ(remove("busy").error_code, error_code::non_empty_group);
    commit_standalone("g", "t", 0);
    commit_standalone("g", "t", 1);
    log.durable.clear();
    auto r = remove("g");
    EXPECT_EQ(r.group_id, "g");
    EXPECT_EQ(r.error_code, error_code::none);
    ASSERT_EQ(log.durable.size(), 3u);
    EXPECT_EQ(log.durable[0].second.key, offset_tombstone("g", "t", 0).key);
    EXPECT_EQ(log.durable[1].second.key, offset_tombstone("g", "t", 1).key);
    EXPECT_EQ(log.durable[2].second.key, group_tombstone("g").key);
    for (auto& [p, rec] : log.durable) EXPECT_FALSE(rec.value);
    EXPECT_EQ(describe("g").group_state, "Dead");
    EXPECT_TRUE(coordinator->committed_offsets("g").empty());
    (void)id;
}

TEST_F(groups_admin_test, commit_during_delete_survives_it) {
    commit_standalone("g", "t", 0);
    log.complete_at_once = false;
    answer<msg::delete_groups_response::deletable_group_result> deleted;
    coordinator->delete_group(2, "g", deleted.cb());
    commit_standalone("g", "t", 1); // written after the tombstones
    log.complete();
    EXPECT_EQ(deleted->error_code, error_code::none);
    log.complete();
    auto left = coordinator->committed_offsets("g");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].partition, 1);
    EXPECT_EQ(describe("g").group_state, "Empty");
}

TEST_F(groups_admin_test, delete_write_failure_keeps_the_group) {
    commit_standalone("g", "t", 0);
    log.complete_at_once = false;
    answer<msg::delete_groups_response::deletable_group_result> a;
    coordinator->delete_group(2, "g", a.cb());
    EXPECT_FALSE(a.ready());
    log.complete(error_code::not_leader_or_follower);
    EXPECT_EQ(a->error_code, error_code::not_coordinator);
    EXPECT_EQ(describe("g").group_state, "Empty");
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
}

} // namespace
} // namespace sluice::coordinator::testing
