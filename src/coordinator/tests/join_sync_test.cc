// JoinGroup and SyncGroup: validation, KIP-394, the join barrier, the initial delay, leader
// election, protocol selection, the sync barrier and its persistence.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

TEST_F(coordinator_test, join_validates_group_id_and_session_timeout) {
    EXPECT_EQ(join("", {})->error_code, error_code::invalid_group_id);
    EXPECT_EQ(join("g", {.session_timeout_ms = 5'999})->error_code, error_code::invalid_session_timeout);
    EXPECT_EQ(join("g", {.session_timeout_ms = 1'800'001})->error_code, error_code::invalid_session_timeout);
    EXPECT_EQ(join("g", {.member_id = "nobody"})->error_code, error_code::unknown_member_id);
    EXPECT_EQ(state("g"), "Dead"); // refused joins leave no group behind
}

TEST_F(coordinator_test, partitions_not_loaded_or_loading) {
    start(false);
    EXPECT_EQ(join("g", {})->error_code, error_code::not_coordinator);
    coordinator->begin_load(0);
    EXPECT_FALSE(coordinator->loaded(0));
    EXPECT_EQ(join("g", {})->error_code, error_code::coordinator_load_in_progress);
    EXPECT_EQ(sync("g", "m", 1)->error_code, error_code::coordinator_load_in_progress);
    EXPECT_EQ(heartbeat("g", "m", 1), error_code::none); // Kafka answers heartbeats blindly while loading
    coordinator->complete_load(0);
    EXPECT_TRUE(coordinator->loaded(0));
    EXPECT_EQ(join("g", {})->error_code, error_code::member_id_required);
}

TEST_F(coordinator_test, kip394_member_id_required_then_rejoin) {
    auto first = join("g", {.client_id = "app"});
    ASSERT_TRUE(first.ready());
    EXPECT_EQ(first->error_code, error_code::member_id_required);
    const std::string id = first->member_id;
    ASSERT_EQ(id.size(), 4 + 36u);
    EXPECT_EQ(id.substr(0, 4), "app-");
    EXPECT_EQ(id[4 + 8], '-');
    EXPECT_EQ(id[4 + 14], '4'); // a version-4 UUID as java.util.UUID prints it
    EXPECT_EQ(describe("g").members.size(), 0u); // pending, not a member yet
    EXPECT_EQ(heartbeat("g", id, 0), error_code::unknown_member_id);

    auto second = join("g", {.member_id = id});
    ASSERT_TRUE(second.ready());
    EXPECT_EQ(second->error_code, error_code::none);
    EXPECT_EQ(second->member_id, id);
    EXPECT_EQ(second->generation_id, 1);
    EXPECT_EQ(second->leader, id);
    EXPECT_EQ(second->protocol_type, "consumer");
    EXPECT_EQ(second->protocol_name, "range");
    ASSERT_EQ(second->members.size(), 1u);
    EXPECT_EQ(second->members[0].member_id, id);
    EXPECT_EQ(second->members[0].metadata, subscription({"t"}));
    EXPECT_EQ(state("g"), "CompletingRebalance");
}

TEST_F(coordinator_test, join_v3_needs_no_member_id) {
    auto a = join("g", {.version = 3});
    ASSERT_TRUE(a.ready());
    EXPECT_EQ(a->error_code, error_code::none);
    EXPECT_EQ(a->generation_id, 1);
    EXPECT_EQ(a->leader, a->member_id);
    EXPECT_EQ(a->protocol_name, "range");
}

TEST_F(coordinator_test, pending_member_expires_after_session_timeout) {
    std::string id = member_id_for("g", {.session_timeout_ms = 10'000});
    clock.advance(10'000);
    auto rejoin = join("g", {.member_id = id});
    EXPECT_EQ(rejoin->error_code, error_code::unknown_member_id);
}

TEST_F(coordinator_test, inconsistent_group_protocol) {
    EXPECT_EQ(join("g", {.protocol_type = ""})->error_code, error_code::inconsistent_group_protocol);
    EXPECT_EQ(join("g", {.protocols = {}})->error_code, error_code::inconsistent_group_protocol);
    std::string id = stable_single("g");
    EXPECT_EQ(join("g", {.protocol_type = "connect"})->error_code, error_code::inconsistent_group_protocol);
    EXPECT_EQ(join("g", {.protocols = {{"roundrobin", {}}}})->error_code, error_code::inconsistent_group_protocol);
    // v6 has a non-nullable protocol name: an error answer carries "".
    auto v6 = join("g", {.version = 6, .protocol_type = "connect"});
    EXPECT_EQ(v6->error_code, error_code::inconsistent_group_protocol);
    EXPECT_EQ(v6->protocol_name, "");
    EXPECT_EQ(state("g"), "Stable");
    (void)id;
}

TEST_F(coordinator_test, group_max_size_reached) {
    config.max_size = 1;
    start();
    std::string a = stable_single("g");
    // Checked before KIP-394's MEMBER_ID_REQUIRED, as Kafka does.
    EXPECT_EQ(join("g", {})->error_code, error_code::group_max_size_reached);
    EXPECT_EQ(state("g"), "Stable");
    EXPECT_EQ(describe("g").members.size(), 1u);
    (void)a;
}

TEST_F(coordinator_test, single_member_sync_persists_group_metadata_record) {
    std::string id = member_id_for("g", {.client_id = "c"});
    auto j = join("g", {.member_id = id, .client_id = "c"});
    ASSERT_EQ(j->error_code, error_code::none);
    log.durable.clear();
    log.complete_at_once = false;
    auto s = sync("g", id, 1, {{id, byte_buffer{0x03}}});
    EXPECT_FALSE(s.ready()); // answered only once the record is durable
    ASSERT_EQ(log.pending.size(), 1u);
    ASSERT_EQ(log.pending.front().records.size(), 1u);
    const offsets_record& r = log.pending.front().records[0];
    EXPECT_EQ(r.key, (byte_buffer{0x00, 0x02, 0x00, 0x01, 'g'}));
    // Hand-built v3 value with the generated member id spliced in.
    auto str = [](byte_buffer& b, const std::string& s) {
        b.push_back(0);
        b.push_back(static_cast<uint8_t>(s.size()));
        b.insert(b.end(), s.begin(), s.end());
    };
    auto i64 = [](byte_buffer& b, int64_t v) {
        for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    };
    byte_buffer expected{0x00, 0x03};
    str(expected, "consumer");
    expected.insert(expected.end(), {0, 0, 0, 1});
    str(expected, "range");
    str(expected, id);
    i64(expected, clock.now); // the CompletingRebalance transition happened now
    expected.insert(expected.end(), {0, 0, 0, 1});
    str(expected, id);
    expected.insert(expected.end(), {0xff, 0xff});
    str(expected, "c");
    str(expected, "/127.0.0.1");
    expected.insert(expected.end(), {0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x27, 0x10});
    byte_buffer sub = subscription({"t"});
    expected.insert(expected.end(), {0, 0, 0, static_cast<uint8_t>(sub.size())});
    expected.insert(expected.end(), sub.begin(), sub.end());
    expected.insert(expected.end(), {0, 0, 0, 1, 0x03});
    ASSERT_TRUE(r.value);
    ASSERT_EQ(r.value->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ((*r.value)[i], expected[i]) << "byte " << i;

    log.complete();
    ASSERT_TRUE(s.ready());
    EXPECT_EQ(s->error_code, error_code::none);
    EXPECT_EQ(s->assignment, byte_buffer{0x03});
    EXPECT_EQ(s->protocol_type, "consumer");
    EXPECT_EQ(s->protocol_name, "range");
    EXPECT_EQ(state("g"), "Stable");
}

TEST_F(coordinator_test, initial_rebalance_delay_extends_while_members_join) {
    config.initial_rebalance_delay_ms = 3'000;
    start();
    std::string a = member_id_for("g");
    std::string b = member_id_for("g");
    auto ja = join("g", {.member_id = a});
    clock.advance(1'000);
    auto jb = join("g", {.member_id = b});
    clock.advance(1'999); // t = 2999: the first delay has not run out
    EXPECT_FALSE(ja.ready());
    clock.advance(1); // t = 3000: a member joined during the delay: another 3000 ms
    EXPECT_FALSE(ja.ready());
    EXPECT_EQ(state("g"), "PreparingRebalance");
    clock.advance(2'999);
    EXPECT_FALSE(ja.ready());
    clock.advance(1); // t = 6000
    ASSERT_TRUE(ja.ready());
    ASSERT_TRUE(jb.ready());
    EXPECT_EQ(ja->generation_id, 1);
    EXPECT_EQ(ja->leader, a);
    EXPECT_EQ(ja->members.size(), 2u);
    EXPECT_EQ(jb->leader, a);
    EXPECT_TRUE(jb->members.empty()); // only the leader gets the member list
}

TEST_F(coordinator_test, initial_rebalance_delay_alone) {
    config.initial_rebalance_delay_ms = 3'000;
    start();
    std::string a = member_id_for("g");
    auto ja = join("g", {.member_id = a});
    clock.advance(2'999);
    EXPECT_FALSE(ja.ready());
    clock.advance(1);
    ASSERT_TRUE(ja.ready());
    EXPECT_EQ(ja->error_code, error_code::none);
}

TEST_F(coordinator_test, protocol_selected_by_vote_among_common_protocols) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto p = [](std::vector<std::string> names) {
        std::vector<std::pair<std::string, byte_buffer>> out;
        for (auto& n : names) out.emplace_back(n, byte_buffer{static_cast<uint8_t>(n[0])});
        return out;
    };
    std::string a = member_id_for("g"), b = member_id_for("g"), c = member_id_for("g");
    auto ja = join("g", {.member_id = a, .protocols = p({"range", "roundrobin", "sticky"})});
    auto jb = join("g", {.member_id = b, .protocols = p({"sticky", "roundrobin"})});
    auto jc = join("g", {.member_id = c, .protocols = p({"roundrobin", "sticky"})});
    clock.advance(1'000);
    ASSERT_TRUE(jc.ready());
    // range is not common; a votes roundrobin (its first common), b sticky, c roundrobin.
    EXPECT_EQ(ja->protocol_name, "roundrobin");
    EXPECT_EQ(jb->protocol_name, "roundrobin");
    ASSERT_EQ(ja->members.size(), 3u);
    EXPECT_EQ(ja->members[1].metadata, byte_buffer{'r'});
}

TEST_F(coordinator_test, sync_barrier_followers_wait_for_leader) {
    config.initial_rebalance_delay_ms = 100;
    start();
    std::string a = member_id_for("g"), b = member_id_for("g");
    auto ja = join("g", {.member_id = a});
    auto jb = join("g", {.member_id = b});
    clock.advance(1'000);
    ASSERT_TRUE(jb.ready());
    auto sb = sync("g", b, 1);
    EXPECT_FALSE(sb.ready());
    auto sa = sync("g", a, 1, {{a, byte_buffer{1}}, {b, byte_buffer{2}}});
    ASSERT_TRUE(sa.ready());
    ASSERT_TRUE(sb.ready());
    EXPECT_EQ(sa->assignment, byte_buffer{1});
    EXPECT_EQ(sb->assignment, byte_buffer{2});
    EXPECT_EQ(state("g"), "Stable");
    // A SyncGroup in Stable returns the member's assignment again.
    EXPECT_EQ(sync("g", b, 1)->assignment, byte_buffer{2});
    auto d = describe("g");
    EXPECT_EQ(d.protocol_data, "range");
    EXPECT_EQ(d.members[1].member_assignment, byte_buffer{2});
}

TEST_F(coordinator_test, leader_without_assignment_for_a_member_gives_it_an_empty_one) {
    config.initial_rebalance_delay_ms = 100;
    start();
    std::string a = member_id_for("g"), b = member_id_for("g");
    join("g", {.member_id = a});
    join("g", {.member_id = b});
    clock.advance(1'000);
    auto sb = sync("g", b, 1);
    sync("g", a, 1, {{a, byte_buffer{1}}});
    ASSERT_TRUE(sb.ready());
    EXPECT_EQ(sb->error_code, error_code::none);
    EXPECT_TRUE(sb->assignment.empty());
}

TEST_F(coordinator_test, sync_errors) {
    EXPECT_EQ(sync("", "m", 1)->error_code, error_code::invalid_group_id);
    EXPECT_EQ(sync("g", "m", 1)->error_code, error_code::unknown_member_id);
    std::string id = stable_single("g");
    EXPECT_EQ(sync("g", "other", 1)->error_code, error_code::unknown_member_id);
    EXPECT_EQ(sync("g", id, 2)->error_code, error_code::illegal_generation);
    msg::sync_group_request r;
    r.group_id = "g";
    r.member_id = id;
    r.generation_id = 1;
    r.protocol_type = "consumer";
    r.protocol_name = "roundrobin";
    answer<msg::sync_group_response> s;
    coordinator->sync_group(5, r, s.cb());
    EXPECT_EQ(s->error_code, error_code::inconsistent_group_protocol);
    r.protocol_name = "range";
    answer<msg::sync_group_response> ok;
    coordinator->sync_group(5, r, ok.cb());
    EXPECT_EQ(ok->error_code, error_code::none);
    // The leader rejoining starts a rebalance: SyncGroup now says so.
    auto rejoin = join("g", {.member_id = id});
    ASSERT_TRUE(rejoin.ready());
    EXPECT_EQ(rejoin->generation_id, 2);
    EXPECT_EQ(sync("g", id, 1)->error_code, error_code::illegal_generation);
}

TEST_F(coordinator_test, sync_in_preparing_rebalance_is_rebalance_in_progress) {
    config.initial_rebalance_delay_ms = 100;
    start();
    std::string a = stable_single("g");
    std::string b = member_id_for("g");
    auto jb = join("g", {.member_id = b}); // a must rejoin: PreparingRebalance
    EXPECT_FALSE(jb.ready());
    EXPECT_EQ(sync("g", a, 1)->error_code, error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat("g", a, 1), error_code::rebalance_in_progress);
}

TEST_F(coordinator_test, failed_assignment_write_answers_mapped_error_and_rebalances) {
    config.initial_rebalance_delay_ms = 100;
    start();
    std::string a = member_id_for("g"), b = member_id_for("g");
    join("g", {.member_id = a});
    join("g", {.member_id = b});
    clock.advance(1'000);
    log.complete_at_once = false;
    auto sb = sync("g", b, 1);
    auto sa = sync("g", a, 1, {{a, byte_buffer{1}}, {b, byte_buffer{2}}});
    log.complete(error_code::not_leader_or_follower);
    ASSERT_TRUE(sa.ready());
    ASSERT_TRUE(sb.ready());
    EXPECT_EQ(sa->error_code, error_code::not_coordinator);
    EXPECT_EQ(sb->error_code, error_code::not_coordinator);
    EXPECT_TRUE(sb->assignment.empty());
    EXPECT_EQ(state("g"), "PreparingRebalance");
}

TEST_F(coordinator_test, failed_assignment_write_timeout_is_coordinator_not_available) {
    std::string id = member_id_for("g");
    join("g", {.member_id = id});
    log.complete_at_once = false;
    auto s = sync("g", id, 1, {{id, {}}});
    log.complete(error_code::request_timed_out);
    EXPECT_EQ(s->error_code, error_code::coordinator_not_available);
}

TEST_F(coordinator_test, join_barrier_evicts_member_that_never_rejoins) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto [a, b] = stable_pair("g", {.session_timeout_ms = 60'000, .rebalance_timeout_ms = 20'000});
    auto ra = join("g", {.member_id = a, .session_timeout_ms = 60'000, .rebalance_timeout_ms = 20'000});
    EXPECT_EQ(heartbeat("g", b, 1), error_code::rebalance_in_progress); // alive, but does not rejoin
    clock.advance(19'999);
    EXPECT_FALSE(ra.ready());
    clock.advance(1);
    ASSERT_TRUE(ra.ready());
    EXPECT_EQ(ra->error_code, error_code::none);
    EXPECT_EQ(ra->generation_id, 2);
    EXPECT_EQ(ra->leader, a);
    ASSERT_EQ(ra->members.size(), 1u);
    EXPECT_EQ(ra->members[0].member_id, a);
    EXPECT_EQ(heartbeat("g", b, 1), error_code::unknown_member_id);
}

TEST_F(coordinator_test, new_leader_when_leader_does_not_rejoin) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto [a, b] = stable_pair("g");
    auto rb = join("g", {.member_id = b, .protocols = {{"range", subscription({"t", "u"})}}});
    EXPECT_FALSE(rb.ready());
    clock.advance(30'000);
    ASSERT_TRUE(rb.ready());
    EXPECT_EQ(rb->leader, b);
    EXPECT_EQ(rb->generation_id, 2);
    EXPECT_EQ(rb->members.size(), 1u);
}

TEST_F(coordinator_test, follower_rejoin_with_same_metadata_in_stable_keeps_generation) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto [a, b] = stable_pair("g");
    auto rb = join("g", {.member_id = b});
    ASSERT_TRUE(rb.ready());
    EXPECT_EQ(rb->error_code, error_code::none);
    EXPECT_EQ(rb->generation_id, 1);
    EXPECT_EQ(rb->leader, a);
    EXPECT_TRUE(rb->members.empty());
    EXPECT_EQ(state("g"), "Stable");
    // Changed metadata forces a rebalance.
    auto changed = join("g", {.member_id = b, .protocols = {{"range", subscription({"u"})}}});
    EXPECT_FALSE(changed.ready());
    EXPECT_EQ(state("g"), "PreparingRebalance");
}

TEST_F(coordinator_test, all_members_rejoining_complete_the_barrier_at_once) {
    config.initial_rebalance_delay_ms = 100;
    start();
    auto [a, b] = stable_pair("g");
    auto ra = join("g", {.member_id = a});
    EXPECT_FALSE(ra.ready());
    auto rb = join("g", {.member_id = b});
    ASSERT_TRUE(ra.ready());
    ASSERT_TRUE(rb.ready());
    EXPECT_EQ(ra->generation_id, 2);
    EXPECT_EQ(rb->generation_id, 2);
}

} // namespace
} // namespace sluice::coordinator::testing

namespace sluice::coordinator::testing {
namespace {

// Every answer must encode in the version it was asked in and decode back unchanged (e.g. a
// null ProtocolName is not writable before v7).
template <typename Response>
void expect_round_trip(const Response& r, int16_t version) {
    Response back;
    ASSERT_TRUE(back.decode(r.encode(version), version)) << Response::message_name << " v" << version;
    EXPECT_EQ(back.encode(version), r.encode(version)) << Response::message_name << " v" << version;
}

TEST_F(coordinator_test, answers_encode_in_every_version) {
    for (int16_t v = 0; v <= 9; ++v) {
        std::string group = "g" + std::to_string(v);
        join_options o{.version = v, .client_id = "c"};
        auto first = join(group, o);
        expect_round_trip(*first, v);
        if (first->error_code == error_code::member_id_required) {
            o.member_id = first->member_id;
            first = join(group, o);
            expect_round_trip(*first, v);
        }
        ASSERT_EQ(first->error_code, error_code::none) << "v" << v;
        expect_round_trip(*join(group, {.version = v, .member_id = "ghost"}), v); // an error answer
        expect_round_trip(*join(group, {.version = v, .protocol_type = "other"}), v);
    }
    for (int16_t v = 0; v <= 5; ++v) {
        std::string group = "s" + std::to_string(v);
        std::string id = member_id_for(group);
        join(group, {.member_id = id});
        expect_round_trip(*sync(group, id, 1, {{id, {1}}}, std::nullopt, v), v);
        expect_round_trip(*sync(group, "ghost", 1, {}, std::nullopt, v), v);
        msg::leave_group_request leave;
        leave.group_id = group;
        leave.member_id = id;
        leave.members.emplace_back().member_id = id;
        answer<msg::leave_group_response> left;
        coordinator->leave_group(v, leave, left.cb());
        expect_round_trip(*left, v);
    }
}

} // namespace
} // namespace sluice::coordinator::testing
