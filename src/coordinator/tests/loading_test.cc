// Loading a partition: replaying what a coordinator wrote rebuilds the same groups and offsets.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

struct loading_test : coordinator_test {
    // A fresh coordinator that replays everything durable so far.
    void restart_and_replay() {
        std::vector<std::pair<int32_t, offsets_record>> records = log.durable;
        start(false);
        coordinator->begin_load(0);
        for (auto& [p, r] : records) {
            std::optional<byte_view> value;
            if (r.value) value = byte_view(*r.value);
            coordinator->replay(p, r.key, value);
        }
        coordinator->complete_load(0);
    }
    msg::offset_fetch_response::offset_fetch_response_group fetch_all(const std::string& group) {
        msg::offset_fetch_request::offset_fetch_request_group g;
        g.group_id = group;
        g.topics.reset();
        answer<msg::offset_fetch_response::offset_fetch_response_group> a;
        coordinator->offset_fetch(9, g, false, a.cb());
        return *a;
    }
};

TEST_F(loading_test, replay_rebuilds_groups_and_offsets) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto ja = join("g", {.instance_id = "i1", .session_timeout_ms = 30'000});
    std::string b = member_id_for("g", {.session_timeout_ms = 30'000});
    join("g", {.member_id = b, .session_timeout_ms = 30'000});
    clock.advance(1'000);
    std::string a = ja->member_id;
    sync("g", b, 1);
    sync("g", a, 1, {{a, {1}}, {b, {2}}}, "i1");
    msg::offset_commit_request c;
    c.group_id = "g";
    c.generation_id_or_member_epoch = 1;
    c.member_id = a;
    c.group_instance_id = "i1";
    auto& t = c.topics.emplace_back();
    t.name = "t";
    auto& p = t.partitions.emplace_back();
    p.partition_index = model::partition_id{3};
    p.committed_offset = model::offset{99};
    p.committed_leader_epoch = model::leader_epoch{4};
    p.committed_metadata = "meta";
    answer<msg::offset_commit_response> committed;
    coordinator->offset_commit(8, c, committed.cb());
    ASSERT_EQ(committed->topics[0].partitions[0].error_code, error_code::none);
    // A simple group, and a deleted one.
    c.group_id = "simple";
    c.generation_id_or_member_epoch = -1;
    c.member_id = "";
    c.group_instance_id.reset();
    coordinator->offset_commit(8, c, answer<msg::offset_commit_response>{}.cb());
    c.group_id = "deleted";
    coordinator->offset_commit(8, c, answer<msg::offset_commit_response>{}.cb());
    coordinator->delete_group(2, "deleted", answer<msg::delete_groups_response::deletable_group_result>{}.cb());

    auto before = describe("g");
    auto offsets_before = fetch_all("g");
    auto list_before = coordinator->list_groups(5, {}, {});
    restart_and_replay();
    EXPECT_EQ(coordinator->skipped_records(), 0u);
    EXPECT_EQ(describe("g"), before);
    EXPECT_EQ(fetch_all("g"), offsets_before);
    EXPECT_EQ(coordinator->list_groups(5, {}, {}), list_before);
    EXPECT_EQ(describe("simple").group_state, "Empty");
    EXPECT_EQ(describe("deleted").group_state, "Dead");
    // The loaded group works on: generation, leader, static member.
    EXPECT_EQ(heartbeat("g", a, 1, "i1"), error_code::none);
    EXPECT_EQ(sync("g", b, 1)->assignment, byte_buffer{2});
    auto rejoin = join("g", {.version = 8, .instance_id = "i1", .session_timeout_ms = 30'000});
    EXPECT_EQ(rejoin->error_code, error_code::none);
    EXPECT_EQ(rejoin->generation_id, 1);
}

TEST_F(loading_test, loaded_members_must_heartbeat_within_their_session) {
    std::string id = stable_single("g", {.session_timeout_ms = 10'000});
    restart_and_replay();
    EXPECT_EQ(state("g"), "Stable");
    clock.advance(9'999);
    EXPECT_EQ(state("g"), "Stable");
    clock.advance(1);
    EXPECT_EQ(state("g"), "Empty"); // its session expired: removed, rebalanced to Empty
    (void)id;
}

TEST_F(loading_test, tombstones_and_undecodable_records) {
    start(false);
    coordinator->begin_load(0);
    auto put = [&](const offsets_record& r) {
        std::optional<byte_view> v;
        if (r.value) v = byte_view(*r.value);
        coordinator->replay(0, r.key, v);
    };
    put(offset_commit_record("g", "t", 0, {1, -1, "", 0, std::nullopt}));
    put(offset_commit_record("g", "t", 1, {2, -1, "", 0, std::nullopt}));
    put(offset_tombstone("g", "t", 0));
    byte_buffer unknown_key{0x00, 0x07, 0x00, 0x00};
    coordinator->replay(0, unknown_key, std::nullopt);
    byte_buffer bad_value{0x00, 0x03, 0x01};
    auto key = offset_tombstone("g", "t", 5).key;
    coordinator->replay(0, key, byte_view(bad_value));
    msg::group_metadata_value gv;
    gv.protocol_type = "consumer";
    gv.generation = 4;
    put(group_metadata_record("h", gv));
    put(group_tombstone("h"));
    EXPECT_EQ(join("g", {})->error_code, error_code::coordinator_load_in_progress);
    coordinator->complete_load(0);
    EXPECT_EQ(coordinator->skipped_records(), 2u);
    auto committed = coordinator->committed_offsets("g");
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].partition, 1);
    EXPECT_EQ(state("h"), "Dead");
}

TEST_F(loading_test, empty_group_record_loads_as_empty_with_generation) {
    start(false);
    coordinator->begin_load(0);
    msg::group_metadata_value gv;
    gv.protocol_type = "consumer";
    gv.generation = 4;
    gv.protocol.reset();
    gv.leader.reset();
    auto r = group_metadata_record("h", gv);
    coordinator->replay(0, r.key, byte_view(*r.value));
    coordinator->complete_load(0);
    auto d = describe("h");
    EXPECT_EQ(d.group_state, "Empty");
    EXPECT_EQ(d.protocol_type, "consumer");
    // A new member starts generation 5.
    std::string id = member_id_for("h");
    EXPECT_EQ(join("h", {.member_id = id})->generation_id, 5);
}

TEST_F(loading_test, callbacks_of_an_unloaded_partition_answer_not_coordinator) {
    log.complete_at_once = false;
    msg::offset_commit_request c;
    c.group_id = "g";
    auto& t = c.topics.emplace_back();
    t.name = "t";
    t.partitions.emplace_back().committed_offset = model::offset{1};
    answer<msg::offset_commit_response> a;
    coordinator->offset_commit(8, c, a.cb());
    coordinator->unload(0);
    coordinator->begin_load(0);
    coordinator->complete_load(0);
    log.complete();
    ASSERT_TRUE(a.ready());
    EXPECT_EQ(a->topics[0].partitions[0].error_code, error_code::not_coordinator);
    EXPECT_TRUE(coordinator->committed_offsets("g").empty()); // the reload replays it instead
}

} // namespace
} // namespace sluice::coordinator::testing
