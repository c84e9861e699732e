// Heartbeats and session expiry, static membership (KIP-345) and LeaveGroup.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

struct membership_test : coordinator_test {
    void SetUp() override {
        config.initial_rebalance_delay_ms = 100; // so that both members of a pair make generation 1
        start();
    }
    msg::leave_group_response leave(int16_t version, const std::string& group, const std::string& member_id,
                                    std::vector<msg::leave_group_request::member_identity> members = {}) {
        msg::leave_group_request r;
        r.group_id = group;
        r.member_id = member_id;
        r.members = std::move(members);
        answer<msg::leave_group_response> a;
        coordinator->leave_group(version, r, a.cb());
        return *a;
    }
    static msg::leave_group_request::member_identity identity(std::string member_id,
                                                              std::optional<std::string> instance = std::nullopt) {
        msg::leave_group_request::member_identity m;
        m.member_id = std::move(member_id);
        m.group_instance_id = std::move(instance);
        return m;
    }
};

TEST_F(membership_test, heartbeat_errors) {
    EXPECT_EQ(heartbeat("", "m", 1), error_code::invalid_group_id);
    EXPECT_EQ(heartbeat("g", "m", 1), error_code::unknown_member_id);
    auto [a, b] = stable_pair("g");
    EXPECT_EQ(heartbeat("g", a, 1), error_code::none);
    EXPECT_EQ(heartbeat("g", a, 2), error_code::illegal_generation);
    EXPECT_EQ(heartbeat("g", "other", 1), error_code::unknown_member_id);
    EXPECT_EQ(heartbeat("g", a, 1, "instance"), error_code::unknown_member_id);
    coordinator->unload(0);
    EXPECT_EQ(heartbeat("g", a, 1), error_code::not_coordinator);
}

TEST_F(membership_test, session_expiry_removes_member_and_rebalances) {
    auto [a, b] = stable_pair("g", {.session_timeout_ms = 10'000});
    for (int i = 0; i < 2; ++i) {
        clock.advance(4'000);
        EXPECT_EQ(heartbeat("g", a, 1), error_code::none);
    }
    EXPECT_EQ(state("g"), "Stable");
    clock.advance(2'000);
    // b has not heartbeated for a session (10 s since its SyncGroup): gone, and the group rebalances.
    EXPECT_EQ(state("g"), "PreparingRebalance");
    EXPECT_EQ(heartbeat("g", a, 1), error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat("g", b, 1), error_code::unknown_member_id);
    auto ra = join("g", {.member_id = a});
    ASSERT_TRUE(ra.ready()); // the only member has rejoined
    EXPECT_EQ(ra->generation_id, 2);
    EXPECT_EQ(ra->members.size(), 1u);
}

TEST_F(membership_test, last_member_expiring_leaves_an_empty_group_and_writes_it) {
    std::string a = stable_single("g");
    log.durable.clear();
    clock.advance(10'000);
    EXPECT_EQ(state("g"), "Empty");
    auto d = describe("g");
    EXPECT_EQ(d.protocol_type, "consumer");
    EXPECT_TRUE(d.members.empty());
    ASSERT_EQ(log.durable.size(), 1u);
    auto rec = decode_record(log.durable[0].second.key, byte_view(*log.durable[0].second.value));
    auto& g = std::get<decoded_group>(rec);
    EXPECT_EQ(g.value->generation, 2);
    EXPECT_FALSE(g.value->protocol);
    EXPECT_FALSE(g.value->leader);
    EXPECT_TRUE(g.value->members.empty());
    (void)a;
}

TEST_F(membership_test, members_waiting_in_a_barrier_do_not_expire) {
    auto [a, b] = stable_pair("g", {.session_timeout_ms = 10'000});
    auto ra = join("g", {.member_id = a, .session_timeout_ms = 10'000, .rebalance_timeout_ms = 30'000});
    auto rb = join("g", {.member_id = b, .session_timeout_ms = 10'000, .rebalance_timeout_ms = 30'000});
    ASSERT_TRUE(rb.ready());
    // Both wait in SyncGroup for the leader longer than a session.
    auto sb = sync("g", b, 2);
    clock.advance(9'000);
    EXPECT_EQ(heartbeat("g", a, 2), error_code::none);
    clock.advance(9'000);
    EXPECT_FALSE(sb.ready());
    auto sa = sync("g", a, 2, {{a, {1}}, {b, {2}}});
    ASSERT_TRUE(sb.ready());
    EXPECT_EQ(sb->error_code, error_code::none);
    EXPECT_EQ(state("g"), "Stable");
}

TEST_F(membership_test, member_that_never_syncs_is_removed_after_rebalance_timeout) {
    auto [a, b] = stable_pair("g", {.session_timeout_ms = 60'000});
    join("g", {.member_id = a, .session_timeout_ms = 60'000, .rebalance_timeout_ms = 20'000});
    auto rb = join("g", {.member_id = b, .session_timeout_ms = 60'000, .rebalance_timeout_ms = 20'000});
    ASSERT_TRUE(rb.ready());
    auto sa = sync("g", a, 2, {{a, {1}}, {b, {2}}});
    ASSERT_TRUE(sa.ready());
    EXPECT_EQ(state("g"), "Stable");
    clock.advance(20'000); // b never sent SyncGroup
    EXPECT_EQ(heartbeat("g", b, 2), error_code::unknown_member_id);
    EXPECT_EQ(state("g"), "PreparingRebalance");
}

TEST_F(membership_test, timers_of_groups_and_members_with_dashes_do_not_collide) {
    // Look-alike group and member ids ("a-b" + "c-…", "a" + "b-c-…") keep separate timers.
    std::string one = stable_single("a-b", {.session_timeout_ms = 10'000, .client_id = "c"});
    std::string two = stable_single("a", {.session_timeout_ms = 10'000, .client_id = "b-c"});
    clock.advance(9'000);
    EXPECT_EQ(heartbeat("a", two, 1), error_code::none);
    clock.advance(1'000);
    EXPECT_EQ(state("a-b"), "Empty"); // its member's session ran out
    EXPECT_EQ(state("a"), "Stable");
    (void)one;
}

TEST_F(membership_test, join_with_unknown_or_fenced_member_id) {
    auto ja = join("g", {.instance_id = "i1"});
    clock.advance(100);
    std::string a = ja->member_id;
    sync("g", a, 1, {{a, {1}}}, "i1");
    EXPECT_EQ(join("g", {.member_id = "ghost"})->error_code, error_code::unknown_member_id);
    EXPECT_EQ(join("g", {.member_id = "ghost", .instance_id = "i1"})->error_code, error_code::fenced_instance_id);
    EXPECT_EQ(join("g", {.member_id = a, .instance_id = "i9"})->error_code, error_code::unknown_member_id);
    EXPECT_EQ(state("g"), "Stable");
    // A member id from before the group became Empty is unknown.
    msg::leave_group_request leave;
    leave.group_id = "g";
    leave.members.emplace_back().group_instance_id = "i1";
    coordinator->leave_group(3, leave, answer<msg::leave_group_response>{}.cb());
    EXPECT_EQ(state("g"), "Empty");
    EXPECT_EQ(join("g", {.member_id = a})->error_code, error_code::unknown_member_id);
}

TEST_F(membership_test, static_member_joins_without_member_id_required) {
    auto j = join("g", {.instance_id = "i1"});
    clock.advance(100);
    ASSERT_TRUE(j.ready());
    EXPECT_EQ(j->error_code, error_code::none);
    EXPECT_EQ(j->member_id.substr(0, 3), "i1-");
    ASSERT_EQ(j->members.size(), 1u);
    EXPECT_EQ(j->members[0].group_instance_id, "i1");
}

TEST_F(membership_test, static_member_rejoin_replaces_member_id_without_rebalance) {
    auto ja = join("g", {.instance_id = "i1"});
    auto jb = join("g", {.instance_id = "i2"});
    clock.advance(1'000);
    std::string a = ja->member_id, b = jb->member_id;
    sync("g", b, 1, {}, "i2");
    sync("g", a, 1, {{a, {1}}, {b, {2}}}, "i1");
    ASSERT_EQ(state("g"), "Stable");
    log.durable.clear();

    // b restarts: same instance id, no member id, v8.
    auto rb = join("g", {.version = 8, .instance_id = "i2"});
    ASSERT_TRUE(rb.ready());
    EXPECT_EQ(rb->error_code, error_code::none);
    std::string b2 = rb->member_id;
    EXPECT_NE(b2, b);
    EXPECT_EQ(rb->generation_id, 1);
    EXPECT_EQ(rb->leader, a);
    EXPECT_TRUE(rb->members.empty());
    EXPECT_EQ(state("g"), "Stable");
    // The new member id was persisted.
    ASSERT_EQ(log.durable.size(), 1u);
    auto rec = decode_record(log.durable[0].second.key, byte_view(*log.durable[0].second.value));
    auto& members = std::get<decoded_group>(rec).value->members;
    ASSERT_EQ(members.size(), 2u);
    EXPECT_EQ(members[1].member_id, b2);
    EXPECT_EQ(members[1].group_instance_id, "i2");
    EXPECT_EQ(members[1].assignment, byte_buffer{2});

    // Straight to SyncGroup with the current assignment; the old id is fenced.
    auto sb = sync("g", b2, 1, {}, "i2");
    EXPECT_EQ(sb->error_code, error_code::none);
    EXPECT_EQ(sb->assignment, byte_buffer{2});
    EXPECT_EQ(heartbeat("g", b, 1, "i2"), error_code::fenced_instance_id);
    EXPECT_EQ(sync("g", b, 1, {}, "i2")->error_code, error_code::fenced_instance_id);
    EXPECT_EQ(heartbeat("g", b2, 1, "i2"), error_code::none);
}

TEST_F(membership_test, static_leader_rejoin_v8_sees_old_leader_id_v9_skips_assignment) {
    auto ja = join("g", {.instance_id = "i1"});
    clock.advance(100);
    std::string a = ja->member_id;
    sync("g", a, 1, {{a, {1}}}, "i1");
    auto r8 = join("g", {.version = 8, .instance_id = "i1"});
    EXPECT_EQ(r8->leader, a); // the old id: the client does not think it must assign
    std::string a2 = r8->member_id;
    auto r9 = join("g", {.version = 9, .instance_id = "i1"});
    EXPECT_EQ(r9->leader, r9->member_id);
    EXPECT_TRUE(r9->skip_assignment);
    EXPECT_EQ(r9->members.size(), 1u);
    EXPECT_EQ(state("g"), "Stable");
    EXPECT_EQ(heartbeat("g", a2, 1, "i1"), error_code::fenced_instance_id);
}

TEST_F(membership_test, static_rejoin_write_failure_restores_old_member_id) {
    auto ja = join("g", {.instance_id = "i1"});
    clock.advance(100);
    std::string a = ja->member_id;
    sync("g", a, 1, {{a, {1}}}, "i1");
    log.complete_at_once = false;
    auto r = join("g", {.version = 8, .instance_id = "i1"});
    EXPECT_FALSE(r.ready());
    log.complete(error_code::not_enough_replicas);
    ASSERT_TRUE(r.ready());
    EXPECT_EQ(r->error_code, error_code::coordinator_not_available);
    EXPECT_EQ(r->member_id, "");
    EXPECT_EQ(heartbeat("g", a, 1, "i1"), error_code::none);
}

TEST_F(membership_test, static_rejoin_with_new_protocol_rebalances) {
    auto ja = join("g", {.instance_id = "i1"});
    clock.advance(100);
    std::string a = ja->member_id;
    sync("g", a, 1, {{a, {1}}}, "i1");
    auto r = join("g", {.instance_id = "i1", .protocols = {{"roundrobin", {}}, {"range", {}}}});
    ASSERT_TRUE(r.ready()); // the only member rejoined: the barrier completes at once
    EXPECT_EQ(r->generation_id, 2);
    EXPECT_EQ(r->protocol_name, "roundrobin");
}

TEST_F(membership_test, static_member_survives_the_join_barrier_until_its_session_expires) {
    auto ja = join("g", {.instance_id = "i1", .session_timeout_ms = 60'000, .rebalance_timeout_ms = 10'000});
    auto jb = join("g", {.instance_id = "i2", .session_timeout_ms = 60'000, .rebalance_timeout_ms = 10'000});
    clock.advance(1'000);
    std::string a = ja->member_id, b = jb->member_id;
    sync("g", b, 1, {}, "i2");
    sync("g", a, 1, {{a, {1}}, {b, {2}}}, "i1");
    auto ra = join("g", {.member_id = a, .instance_id = "i1", .session_timeout_ms = 60'000, .rebalance_timeout_ms = 10'000});
    clock.advance(10'000);
    ASSERT_TRUE(ra.ready());
    EXPECT_EQ(ra->generation_id, 2);
    EXPECT_EQ(ra->members.size(), 2u); // b (static) is kept though it did not rejoin
}

TEST_F(membership_test, leave_v0_removes_member_and_rebalances) {
    auto [a, b] = stable_pair("g");
    auto r = leave(0, "g", b);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_TRUE(r.members.empty());
    EXPECT_EQ(state("g"), "PreparingRebalance");
    EXPECT_EQ(leave(0, "g", b).error_code, error_code::unknown_member_id);
    EXPECT_EQ(leave(0, "nope", b).error_code, error_code::unknown_member_id);
    EXPECT_EQ(leave(0, "", b).error_code, error_code::invalid_group_id);
    auto ra = join("g", {.member_id = a});
    ASSERT_TRUE(ra.ready());
    EXPECT_EQ(ra->generation_id, 2);
}

TEST_F(membership_test, leave_v3_batch_reports_each_member) {
    auto ja = join("g", {.instance_id = "i1"});
    std::string b = member_id_for("g");
    auto jb = join("g", {.member_id = b});
    clock.advance(1'000);
    std::string a = ja->member_id;
    sync("g", b, 1);
    sync("g", a, 1, {{a, {1}}, {b, {2}}}, "i1");
    std::string pending = member_id_for("g");
    auto r = leave(3, "g", "",
                   {identity(b), identity("", "i1"), identity("ghost"), identity("", "i9"), identity(pending),
                    identity("wrong", "i1")});
    EXPECT_EQ(r.error_code, error_code::none);
    ASSERT_EQ(r.members.size(), 6u);
    EXPECT_EQ(r.members[0].error_code, error_code::none);
    EXPECT_EQ(r.members[1].error_code, error_code::none);
    EXPECT_EQ(r.members[1].group_instance_id, "i1");
    EXPECT_EQ(r.members[2].error_code, error_code::unknown_member_id);
    EXPECT_EQ(r.members[3].error_code, error_code::unknown_member_id);
    EXPECT_EQ(r.members[4].error_code, error_code::none);
    EXPECT_EQ(r.members[5].error_code, error_code::unknown_member_id); // i1 already gone
    EXPECT_EQ(describe("g").members.size(), 0u);
    EXPECT_EQ(state("g"), "Empty");
}

TEST_F(membership_test, leave_with_wrong_instance_is_fenced) {
    auto ja = join("g", {.instance_id = "i1"});
    clock.advance(100);
    std::string a = ja->member_id;
    sync("g", a, 1, {{a, {1}}}, "i1");
    auto r = leave(4, "g", "", {identity("someone-else", "i1")});
    ASSERT_EQ(r.members.size(), 1u);
    EXPECT_EQ(r.members[0].error_code, error_code::fenced_instance_id);
    EXPECT_EQ(state("g"), "Stable");
}

TEST_F(membership_test, leave_during_join_barrier_completes_it) {
    auto [a, b] = stable_pair("g");
    auto ra = join("g", {.member_id = a});
    EXPECT_FALSE(ra.ready());
    leave(0, "g", b);
    ASSERT_TRUE(ra.ready());
    EXPECT_EQ(ra->generation_id, 2);
    EXPECT_EQ(ra->members.size(), 1u);
}

TEST_F(membership_test, unload_answers_parked_requests_not_coordinator) {
    auto [a, b] = stable_pair("g");
    auto ra = join("g", {.member_id = a});
    EXPECT_FALSE(ra.ready());
    coordinator->unload(0);
    ASSERT_TRUE(ra.ready());
    EXPECT_EQ(ra->error_code, error_code::not_coordinator);
    EXPECT_FALSE(coordinator->loaded(0));
    EXPECT_EQ(clock.pending(), 0u); // every timer cancelled
}

} // namespace
} // namespace sluice::coordinator::testing
