// KIP-848 consumer groups: ConsumerGroupHeartbeat joins, reconciliation with revocation, leaving,
// fencing by session and rebalance timeouts, static members, errors, assignor choice, offsets
// with member epochs, replay, and coexistence with classic groups.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

using hb_response = msg::consumer_group_heartbeat_response;
using owned_list = std::vector<std::pair<std::string, std::vector<int32_t>>>; // topic name → partitions

uuid id_of(uint8_t n) {
    uuid u;
    u.bytes[15] = n;
    return u;
}

struct hb {
    std::string member_id;
    int32_t epoch = 0;
    std::optional<std::string> instance_id;
    std::optional<std::vector<std::string>> topics;
    std::optional<std::string> assignor;
    std::optional<owned_list> owned;
    int32_t rebalance_timeout_ms = -1;
};

struct consumer_group_test : coordinator_test {
    std::map<std::string, topic_metadata, std::less<>> topic_map = {{"t", {id_of(1), 4}}};

    topics_snapshot snapshot() const {
        return std::make_shared<const std::map<std::string, topic_metadata, std::less<>>>(topic_map);
    }
    uuid id(const std::string& topic) const { return topic_map.at(topic).id; }
    std::string name(const uuid& u) const {
        for (const auto& [n, t] : topic_map)
            if (t.id == u) return n;
        return "?";
    }

    answer<hb_response> heartbeat(const std::string& group, hb o) {
        msg::consumer_group_heartbeat_request r;
        r.group_id = group;
        r.member_id = o.member_id;
        r.member_epoch = o.epoch;
        r.instance_id = o.instance_id;
        r.rebalance_timeout_ms = o.rebalance_timeout_ms;
        r.subscribed_topic_names = o.topics;
        r.server_assignor = o.assignor;
        if (o.owned) {
            r.topic_partitions.emplace();
            for (const auto& [topic, parts] : *o.owned) {
                auto& tp = r.topic_partitions->emplace_back();
                tp.topic_id = id(topic);
                for (int32_t p : parts) tp.partitions.push_back(model::partition_id{p});
            }
        }
        answer<hb_response> a;
        coordinator->consumer_group_heartbeat(0, std::move(r), client_info{"client", "/127.0.0.1"}, snapshot(), a.cb());
        return a;
    }
    // A join (epoch 0) with the fields Kafka requires.
    answer<hb_response> join_consumer(const std::string& group, std::string member_id = {},
                                      std::vector<std::string> topics = {"t"}, std::optional<std::string> assignor = {},
                                      std::optional<std::string> instance_id = {}) {
        return heartbeat(group, {.member_id = member_id, .epoch = 0, .instance_id = instance_id, .topics = topics,
                                 .assignor = assignor, .owned = owned_list{}, .rebalance_timeout_ms = 10'000});
    }
    // A regular heartbeat reporting what the member owns.
    answer<hb_response> beat(const std::string& group, const std::string& member, int32_t epoch, owned_list owned,
                             std::optional<std::string> instance_id = {}) {
        return heartbeat(group, {.member_id = member, .epoch = epoch, .instance_id = instance_id, .owned = owned});
    }
    // The response's assignment as "topic-partition" strings (nullopt = no assignment sent).
    std::optional<std::vector<std::string>> assigned(const hb_response& r) const {
        if (!r.assignment) return std::nullopt;
        std::vector<std::string> out;
        for (const auto& t : r.assignment->topic_partitions)
            for (auto p : t.partitions) out.push_back(name(t.topic_id) + "-" + std::to_string(p.value()));
        std::sort(out.begin(), out.end());
        return out;
    }
    msg::consumer_group_describe_response::described_group describe_consumer(const std::string& group) {
        answer<msg::consumer_group_describe_response::described_group> a;
        coordinator->consumer_group_describe(0, group, snapshot(), a.cb());
        return *a;
    }
    static std::vector<std::string> parts(const msg::consumer_group_describe_response::assignment_t& a) {
        std::vector<std::string> out;
        for (const auto& t : a.topic_partitions)
            for (auto p : t.partitions) out.push_back(t.topic_name + "-" + std::to_string(p.value()));
        return out;
    }
    const msg::consumer_group_describe_response::member* member_of(
        const msg::consumer_group_describe_response::described_group& d, const std::string& id) {
        for (const auto& m : d.members)
            if (m.member_id == id) return &m;
        return nullptr;
    }
    msg::offset_commit_response commit(const std::string& group, const std::string& member, int32_t epoch,
                                       int16_t version = 9) {
        msg::offset_commit_request r;
        r.group_id = group;
        r.member_id = member;
        r.generation_id_or_member_epoch = epoch;
        auto& t = r.topics.emplace_back();
        t.name = "t";
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{0};
        p.committed_offset = model::offset{42};
        answer<msg::offset_commit_response> a;
        coordinator->offset_commit(version, std::move(r), a.cb());
        return *a;
    }
    std::vector<msg::list_groups_response::listed_group> list(std::vector<std::string> states = {},
                                                              std::vector<std::string> types = {}) {
        return coordinator->list_groups(5, states, types);
    }
    // Two members m1 (first, all of t) and m2 converged: m1 {t-0, t-1}, m2 {t-2, t-3} at epoch 2.
    void converge_pair(const std::string& group) {
        ASSERT_EQ(join_consumer(group, "m1")->member_epoch, 1);
        ASSERT_EQ(join_consumer(group, "m2")->member_epoch, 2);
        ASSERT_EQ(beat(group, "m1", 1, {{"t", {0, 1, 2, 3}}})->member_epoch, 1);
        ASSERT_EQ(beat(group, "m1", 1, {{"t", {0, 1}}})->member_epoch, 2);
        ASSERT_EQ(assigned(*beat(group, "m2", 2, {})), (std::vector<std::string>{"t-2", "t-3"}));
        ASSERT_EQ(describe_consumer(group).group_state, "Stable");
    }
};

TEST_F(consumer_group_test, first_member_gets_epoch_one_and_every_partition) {
    auto r = join_consumer("g");
    ASSERT_TRUE(r.ready());
    EXPECT_EQ(r->error_code, error_code::none);
    ASSERT_TRUE(r->member_id);
    EXPECT_EQ(r->member_id->size(), 22u); // a generated uuid in Kafka's base64
    EXPECT_EQ(r->member_epoch, 1);
    EXPECT_EQ(r->heartbeat_interval_ms, 5'000);
    EXPECT_EQ(assigned(*r), (std::vector<std::string>{"t-0", "t-1", "t-2", "t-3"}));

    // Records: member metadata, subscription metadata, epoch, target, target epoch, current.
    std::vector<int16_t> types;
    for (const auto& [p, rec] : log.durable) types.push_back(static_cast<int16_t>(rec.key[0] << 8 | rec.key[1]));
    EXPECT_EQ(types, (std::vector<int16_t>{5, 4, 3, 7, 6, 8}));

    // A steady heartbeat writes nothing and sends no assignment.
    auto again = beat("g", *r->member_id, 1, {{"t", {0, 1, 2, 3}}});
    EXPECT_EQ(again->error_code, error_code::none);
    EXPECT_EQ(again->member_epoch, 1);
    EXPECT_FALSE(again->assignment);
    EXPECT_EQ(log.durable.size(), 6u);

    auto d = describe_consumer("g");
    EXPECT_EQ(d.error_code, error_code::none);
    EXPECT_EQ(d.group_state, "Stable");
    EXPECT_EQ(d.group_epoch, 1);
    EXPECT_EQ(d.assignment_epoch, 1);
    EXPECT_EQ(d.assignor_name, "uniform");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].client_id, "client");
    EXPECT_EQ(d.members[0].client_host, "/127.0.0.1");
    EXPECT_EQ(d.members[0].subscribed_topic_names, std::vector<std::string>{"t"});
    EXPECT_EQ(parts(d.members[0].assignment), (std::vector<std::string>{"t-0", "t-1", "t-2", "t-3"}));
    EXPECT_EQ(parts(d.members[0].target_assignment), (std::vector<std::string>{"t-0", "t-1", "t-2", "t-3"}));
}

TEST_F(consumer_group_test, second_member_waits_for_the_first_to_revoke) {
    ASSERT_EQ(join_consumer("g", "m1")->member_epoch, 1);

    // m2 joins: group epoch 2; its target (t-2, t-3) is still owned by m1, so it gets the epoch
    // but nothing yet (UNRELEASED_PARTITIONS).
    auto j2 = join_consumer("g", "m2");
    EXPECT_EQ(j2->member_id, std::optional<std::string>("m2")); // v0: a member id the client chose is kept
    EXPECT_EQ(j2->member_epoch, 2);
    EXPECT_EQ(assigned(*j2), std::vector<std::string>{});
    EXPECT_EQ(describe_consumer("g").group_state, "Reconciling");

    // m1 is asked to revoke t-2 and t-3 and stays at epoch 1 meanwhile.
    auto h1 = beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}});
    EXPECT_EQ(h1->member_epoch, 1);
    EXPECT_EQ(assigned(*h1), (std::vector<std::string>{"t-0", "t-1"}));
    // Still owned by m1: m2 waits.
    auto h2 = beat("g", "m2", 2, {});
    EXPECT_EQ(h2->member_epoch, 2);
    EXPECT_FALSE(h2->assignment);
    // m1 still reports them: no progress.
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}})->member_epoch, 1);
    {
        auto d = describe_consumer("g");
        EXPECT_EQ(parts(member_of(d, "m1")->assignment), (std::vector<std::string>{"t-0", "t-1"}));
        EXPECT_EQ(parts(member_of(d, "m2")->target_assignment), (std::vector<std::string>{"t-2", "t-3"}));
        EXPECT_EQ(parts(member_of(d, "m2")->assignment), std::vector<std::string>{});
    }
    // m1 revoked them: epoch 2, same partitions (no assignment in the answer).
    auto h3 = beat("g", "m1", 1, {{"t", {0, 1}}});
    EXPECT_EQ(h3->member_epoch, 2);
    EXPECT_FALSE(h3->assignment);
    // Now m2 gets them.
    auto h4 = beat("g", "m2", 2, {});
    EXPECT_EQ(h4->member_epoch, 2);
    EXPECT_EQ(assigned(*h4), (std::vector<std::string>{"t-2", "t-3"}));
    auto d = describe_consumer("g");
    EXPECT_EQ(d.group_state, "Stable");
    EXPECT_EQ(d.group_epoch, 2);
    EXPECT_EQ(d.assignment_epoch, 2);
}

TEST_F(consumer_group_test, the_previous_epoch_is_accepted_with_a_subset_of_the_assignment) {
    converge_pair("g");
    // m1's answer with epoch 2 was lost: epoch 1 with a subset of its partitions is fine.
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0}}})->error_code, error_code::none);
    // Not with a partition it does not own, nor with an older or a future epoch.
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0, 3}}})->error_code, error_code::fenced_member_epoch);
    EXPECT_EQ(beat("g", "m1", 0 + 3, {{"t", {0}}})->error_code, error_code::fenced_member_epoch);
    auto unknown = beat("g", "nobody", 2, {});
    EXPECT_EQ(unknown->error_code, error_code::unknown_member_id);
    EXPECT_EQ(unknown->error_message, std::optional<std::string>("Member nobody is not a member of group g."));
}

TEST_F(consumer_group_test, a_member_leaving_bumps_the_epoch_and_frees_its_partitions) {
    converge_pair("g");
    auto leave = heartbeat("g", {.member_id = "m2", .epoch = -1});
    EXPECT_EQ(leave->error_code, error_code::none);
    EXPECT_EQ(leave->member_epoch, -1);
    EXPECT_EQ(leave->member_id, std::optional<std::string>("m2"));
    EXPECT_EQ(describe_consumer("g").group_epoch, 3);
    EXPECT_EQ(describe_consumer("g").group_state, "Assigning");
    auto h = beat("g", "m1", 2, {{"t", {0, 1}}});
    EXPECT_EQ(h->member_epoch, 3);
    EXPECT_EQ(assigned(*h), (std::vector<std::string>{"t-0", "t-1", "t-2", "t-3"}));
    EXPECT_EQ(beat("g", "m2", 2, {})->error_code, error_code::unknown_member_id);
    // The last one leaves: Empty.
    heartbeat("g", {.member_id = "m1", .epoch = -1});
    EXPECT_EQ(describe_consumer("g").group_state, "Empty");
}

TEST_F(consumer_group_test, a_silent_member_is_fenced_when_its_session_expires) {
    converge_pair("g");
    // m1 heartbeats every 5 s, m2 never again: fenced 45 s after its last heartbeat.
    int32_t epoch = 2;
    for (int i = 0; i < 8; ++i) {
        clock.advance(5'000);
        auto h = beat("g", "m1", epoch, {{"t", {0, 1}}});
        EXPECT_EQ(h->error_code, error_code::none) << i;
        epoch = h->member_epoch;
    }
    EXPECT_EQ(describe_consumer("g").members.size(), 2u);
    clock.advance(5'000);
    auto d = describe_consumer("g");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].member_id, "m1");
    EXPECT_EQ(d.group_epoch, 3);
    EXPECT_EQ(beat("g", "m2", 2, {})->error_code, error_code::unknown_member_id);
}

TEST_F(consumer_group_test, a_member_that_does_not_revoke_in_time_is_fenced) {
    ASSERT_EQ(join_consumer("g", "m1")->member_epoch, 1);
    ASSERT_EQ(join_consumer("g", "m2")->member_epoch, 2);
    ASSERT_EQ(beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}})->member_epoch, 1); // asked to revoke t-2, t-3
    clock.advance(5'000);
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}})->member_epoch, 1);
    EXPECT_EQ(beat("g", "m2", 2, {})->error_code, error_code::none);
    clock.advance(5'001); // the rebalance timeout (10 s) since the revocation was asked
    auto d = describe_consumer("g");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].member_id, "m2");
    EXPECT_EQ(d.group_epoch, 3);
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}})->error_code, error_code::unknown_member_id);
    auto h = beat("g", "m2", 2, {});
    EXPECT_EQ(h->member_epoch, 3);
    EXPECT_EQ(assigned(*h), (std::vector<std::string>{"t-0", "t-1", "t-2", "t-3"}));
}

TEST_F(consumer_group_test, a_static_member_leaves_for_a_while_and_rejoins_with_its_partitions) {
    auto a = join_consumer("g", "a1", {"t"}, {}, "i1");
    ASSERT_EQ(a->member_epoch, 1);
    auto b = join_consumer("g", "b1", {"t"}, {}, "i2");
    ASSERT_EQ(b->member_epoch, 2);
    beat("g", "a1", 1, {{"t", {0, 1, 2, 3}}}, "i1");
    beat("g", "a1", 1, {{"t", {0, 1}}}, "i1");
    ASSERT_EQ(assigned(*beat("g", "b1", 2, {}, "i2")), (std::vector<std::string>{"t-2", "t-3"}));

    // Another instance with the same id while i2 is active: refused.
    auto refused = join_consumer("g", "b2", {"t"}, {}, "i2");
    EXPECT_EQ(refused->error_code, error_code::unreleased_instance_id);
    // i2 leaves temporarily: epoch -2, its partitions stay reserved, no new group epoch.
    auto leave = heartbeat("g", {.member_id = "b1", .epoch = -2, .instance_id = "i2"});
    EXPECT_EQ(leave->error_code, error_code::none);
    EXPECT_EQ(leave->member_epoch, -2);
    auto d = describe_consumer("g");
    EXPECT_EQ(d.group_epoch, 2);
    EXPECT_EQ(member_of(d, "b1")->member_epoch, -2);
    EXPECT_EQ(parts(member_of(d, "b1")->assignment), (std::vector<std::string>{"t-2", "t-3"}));
    EXPECT_EQ(beat("g", "a1", 2, {{"t", {0, 1}}}, "i1")->member_epoch, 2);

    // It comes back with a new member id and gets the same partitions at the same epoch.
    auto back = join_consumer("g", "b2", {"t"}, {}, "i2");
    EXPECT_EQ(back->error_code, error_code::none);
    EXPECT_EQ(back->member_epoch, 2);
    EXPECT_EQ(assigned(*back), (std::vector<std::string>{"t-2", "t-3"}));
    d = describe_consumer("g");
    EXPECT_EQ(d.group_epoch, 2);
    EXPECT_EQ(d.group_state, "Stable");
    EXPECT_EQ(member_of(d, "b1"), nullptr);
    // The old member id is fenced by the new one.
    EXPECT_EQ(beat("g", "b1", 2, {}, "i2")->error_code, error_code::fenced_instance_id);
    EXPECT_EQ(beat("g", "b2", 2, {{"t", {2, 3}}}, "i3")->error_code, error_code::unknown_member_id);
}

TEST_F(consumer_group_test, requests_are_checked_as_kafka_checks_them) {
    auto invalid = [&](hb o, const std::string& message) {
        auto r = heartbeat("g", o);
        EXPECT_EQ(r->error_code, error_code::invalid_request) << message;
        EXPECT_EQ(r->error_message, std::optional<std::string>(message));
    };
    invalid({.epoch = 0, .topics = std::vector<std::string>{"t"}, .owned = owned_list{}},
            "RebalanceTimeoutMs must be provided in first request.");
    invalid({.epoch = 0, .topics = std::vector<std::string>{"t"}, .rebalance_timeout_ms = 1},
            "TopicPartitions must be empty when (re-)joining.");
    invalid({.epoch = 0, .owned = owned_list{}, .rebalance_timeout_ms = 1},
            "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
    invalid({.member_id = "", .epoch = 3}, "MemberId can't be empty.");
    invalid({.member_id = "m", .epoch = -2}, "InstanceId can't be null.");
    invalid({.member_id = "m", .epoch = -3}, "MemberEpoch is invalid.");
    invalid({.member_id = "m", .epoch = 1, .instance_id = " "}, "InstanceId can't be empty.");
    auto unsupported = join_consumer("g", "m", {"t"}, "sticky");
    EXPECT_EQ(unsupported->error_code, error_code::unsupported_assignor);
    EXPECT_EQ(unsupported->error_message,
              std::optional<std::string>("ServerAssignor sticky is not supported. Supported assignors: uniform, range."));
    auto missing = beat("nope", "m", 1, {});
    EXPECT_EQ(missing->error_code, error_code::group_id_not_found);
}

TEST_F(consumer_group_test, group_consumer_max_size_refuses_new_members) {
    config.consumer_max_size = 1;
    start();
    ASSERT_EQ(join_consumer("g", "m1")->error_code, error_code::none);
    EXPECT_EQ(join_consumer("g", "m2")->error_code, error_code::group_max_size_reached);
    EXPECT_EQ(beat("g", "m1", 1, {{"t", {0, 1, 2, 3}}})->error_code, error_code::none);
}

TEST_F(consumer_group_test, range_and_uniform_are_chosen_by_server_assignor) {
    topic_map = {{"a", {id_of(1), 2}}, {"b", {id_of(2), 2}}};
    // uniform (the default): m2 takes two of m1's four partitions.
    join_consumer("u", "m1", {"a", "b"});
    join_consumer("u", "m2", {"a", "b"});
    auto du = describe_consumer("u");
    EXPECT_EQ(du.assignor_name, "uniform");
    EXPECT_EQ(parts(member_of(du, "m1")->target_assignment), (std::vector<std::string>{"a-0", "a-1"}));
    EXPECT_EQ(parts(member_of(du, "m2")->target_assignment), (std::vector<std::string>{"b-0", "b-1"}));
    // range: per topic, contiguous ranges in member id order.
    join_consumer("r", "m1", {"a", "b"}, "range");
    join_consumer("r", "m2", {"a", "b"}, "range");
    auto dr = describe_consumer("r");
    EXPECT_EQ(dr.assignor_name, "range");
    EXPECT_EQ(parts(member_of(dr, "m1")->target_assignment), (std::vector<std::string>{"a-0", "b-0"}));
    EXPECT_EQ(parts(member_of(dr, "m2")->target_assignment), (std::vector<std::string>{"a-1", "b-1"}));
}

TEST_F(consumer_group_test, new_partitions_bump_the_group_epoch) {
    converge_pair("g");
    topic_map["t"].partition_count = 6;
    auto h = beat("g", "m1", 2, {{"t", {0, 1}}});
    EXPECT_EQ(h->member_epoch, 3);
    EXPECT_EQ(describe_consumer("g").group_epoch, 3);
    auto d = describe_consumer("g");
    EXPECT_EQ(parts(member_of(d, "m1")->target_assignment).size() + parts(member_of(d, "m2")->target_assignment).size(), 6u);
}

TEST_F(consumer_group_test, offset_commit_and_fetch_check_member_epochs) {
    converge_pair("g");
    EXPECT_EQ(commit("g", "m1", 2).topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(commit("g", "m1", 1).topics[0].partitions[0].error_code, error_code::stale_member_epoch);
    EXPECT_EQ(commit("g", "zz", 2).topics[0].partitions[0].error_code, error_code::unknown_member_id);
    EXPECT_EQ(commit("g", "m1", 2, 8).topics[0].partitions[0].error_code, error_code::unsupported_version);
    // Epoch -1 (admin) only into an Empty group.
    EXPECT_EQ(commit("g", "", -1).topics[0].partitions[0].error_code, error_code::unknown_member_id);

    auto fetch = [&](std::optional<std::string> member, int32_t epoch) {
        msg::offset_fetch_request::offset_fetch_request_group g;
        g.group_id = "g";
        g.member_id = member;
        g.member_epoch = epoch;
        g.topics.reset();
        answer<msg::offset_fetch_response::offset_fetch_response_group> a;
        coordinator->offset_fetch(9, g, false, a.cb());
        return *a;
    };
    auto ok = fetch("m1", 2);
    EXPECT_EQ(ok.error_code, error_code::none);
    ASSERT_EQ(ok.topics.size(), 1u);
    EXPECT_EQ(ok.topics[0].partitions[0].committed_offset, model::offset{42});
    EXPECT_EQ(fetch("m1", 1).error_code, error_code::stale_member_epoch);
    EXPECT_EQ(fetch("zz", 2).error_code, error_code::unknown_member_id);
    EXPECT_EQ(fetch(std::nullopt, -1).error_code, error_code::none);

    heartbeat("g", {.member_id = "m1", .epoch = -1});
    heartbeat("g", {.member_id = "m2", .epoch = -1});
    EXPECT_EQ(commit("g", "", -1).topics[0].partitions[0].error_code, error_code::none);
}

TEST_F(consumer_group_test, replay_rebuilds_the_same_group) {
    converge_pair("g");
    join_consumer("g", "s1", {"t"}, "range", "i1");
    beat("g", "m1", 2, {{"t", {0, 1}}});
    heartbeat("g", {.member_id = "s1", .epoch = -2, .instance_id = "i1"});
    auto before = describe_consumer("g");
    EXPECT_EQ(commit("g", "m1", member_of(before, "m1")->member_epoch).topics[0].partitions[0].error_code, error_code::none);
    std::vector<std::pair<int32_t, offsets_record>> records = log.durable;
    start(false);
    coordinator->begin_load(0);
    for (auto& [p, r] : records) {
        std::optional<byte_view> value;
        if (r.value) value = byte_view(*r.value);
        coordinator->replay(p, r.key, value);
    }
    coordinator->complete_load(0);
    EXPECT_EQ(coordinator->skipped_records(), 0u);
    EXPECT_EQ(describe_consumer("g"), before);
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
    EXPECT_EQ(list().size(), 1u);
    // The loaded members heartbeat on.
    EXPECT_EQ(beat("g", "m2", member_of(before, "m2")->member_epoch, {{"t", {2, 3}}})->error_code, error_code::none);
}

TEST_F(consumer_group_test, classic_and_consumer_groups_keep_to_their_type) {
    config.initial_rebalance_delay_ms = 100;
    start();
    stable_single("classic");
    auto hb = join_consumer("classic");
    EXPECT_EQ(hb->error_code, error_code::group_id_not_found);
    EXPECT_EQ(hb->error_message, std::optional<std::string>("Group classic is not a consumer group."));
    auto cd = describe_consumer("classic");
    EXPECT_EQ(cd.error_code, error_code::group_id_not_found);
    EXPECT_EQ(cd.error_message, std::optional<std::string>("Group classic is not a consumer group."));
    EXPECT_EQ(describe_consumer("none").error_message, std::optional<std::string>("Group none not found."));

    join_consumer("modern", "m1");
    auto j = join("modern", {.member_id = ""});
    EXPECT_EQ(j->error_code, error_code::inconsistent_group_protocol);
    EXPECT_EQ(describe("modern").group_state, "Dead"); // DescribeGroups v5: not a classic group
    EXPECT_EQ(describe("modern", 6).error_message, std::optional<std::string>("Group modern is not a classic group."));
    EXPECT_EQ(coordinator_test::heartbeat("modern", "m1", 1), error_code::unknown_member_id); // classic Heartbeat

    auto all = list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].group_id, "classic");
    EXPECT_EQ(all[0].group_type, "classic");
    EXPECT_EQ(all[1].group_id, "modern");
    EXPECT_EQ(all[1].group_type, "consumer");
    EXPECT_EQ(all[1].protocol_type, "consumer");
    EXPECT_EQ(all[1].group_state, "Stable");
    EXPECT_EQ(list({}, {"Consumer"}).size(), 1u);
    EXPECT_EQ(list({"stable"}, {"consumer"}).size(), 1u);
    EXPECT_EQ(list({"reconciling"}, {}).size(), 0u);

    // DeleteGroups: not while it has members; an Empty consumer group is deleted.
    auto del = [&](const std::string& g) {
        answer<msg::delete_groups_response::deletable_group_result> a;
        coordinator->delete_group(2, g, a.cb());
        return a->error_code;
    };
    EXPECT_EQ(del("modern"), error_code::non_empty_group);
    heartbeat("modern", {.member_id = "m1", .epoch = -1});
    EXPECT_EQ(list({"empty"}, {"consumer"}).size(), 1u);
    EXPECT_EQ(del("modern"), error_code::none);
    EXPECT_EQ(describe_consumer("modern").error_code, error_code::group_id_not_found);
}

TEST_F(consumer_group_test, an_empty_group_changes_type) {
    // Offsets committed without a group make an Empty classic group: a consumer replaces it.
    EXPECT_EQ(commit("simple", "", -1).topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(list()[0].group_type, "classic");
    auto j = join_consumer("simple", "m1");
    EXPECT_EQ(j->error_code, error_code::none);
    EXPECT_EQ(list()[0].group_type, "consumer");
    EXPECT_EQ(coordinator->committed_offsets("simple").size(), 1u);
    // An Empty consumer group becomes classic again on JoinGroup.
    heartbeat("simple", {.member_id = "m1", .epoch = -1});
    auto first = join("simple", {});
    EXPECT_EQ(first->error_code, error_code::member_id_required);
    EXPECT_EQ(list()[0].group_type, "classic");
    EXPECT_EQ(coordinator->committed_offsets("simple").size(), 1u);
}

TEST_F(consumer_group_test, an_empty_consumer_group_expires_with_its_offsets) {
    config.offsets_retention_ms = 60'000;
    config.offsets_retention_check_interval_ms = 10'000;
    start();
    converge_pair("g");
    commit("g", "m1", 2);
    heartbeat("g", {.member_id = "m1", .epoch = -1});
    heartbeat("g", {.member_id = "m2", .epoch = -1});
    clock.advance(50'000);
    EXPECT_EQ(list().size(), 1u);
    clock.advance(20'000);
    EXPECT_EQ(list().size(), 0u);
    EXPECT_TRUE(coordinator->committed_offsets("g").empty());
}

TEST_F(consumer_group_test, changes_to_one_group_wait_for_the_previous_write) {
    log.complete_at_once = false;
    auto j1 = join_consumer("g", "m1");
    auto j2 = join_consumer("g", "m2");
    ASSERT_EQ(log.pending.size(), 1u); // m2's heartbeat waits for m1's records
    EXPECT_FALSE(j1.ready());
    EXPECT_EQ(describe_consumer("g").error_code, error_code::group_id_not_found); // nothing before it is durable
    log.complete();
    ASSERT_TRUE(j1.ready());
    EXPECT_EQ(j1->member_epoch, 1);
    ASSERT_EQ(log.pending.size(), 1u);
    log.complete();
    ASSERT_TRUE(j2.ready());
    EXPECT_EQ(j2->member_epoch, 2);
    auto d = describe_consumer("g");
    EXPECT_EQ(d.group_epoch, 2);
    EXPECT_EQ(parts(member_of(d, "m1")->target_assignment), (std::vector<std::string>{"t-0", "t-1"}));
    EXPECT_EQ(parts(member_of(d, "m2")->target_assignment), (std::vector<std::string>{"t-2", "t-3"}));

    // A failed write changes nothing and answers Kafka's mapping of the append error.
    auto j3 = join_consumer("g", "m3");
    log.complete(error_code::not_enough_replicas);
    ASSERT_TRUE(j3.ready());
    EXPECT_EQ(j3->error_code, error_code::coordinator_not_available);
    EXPECT_EQ(describe_consumer("g"), d);
    // Unloading answers what waits with NOT_COORDINATOR.
    auto j4 = join_consumer("g", "m4");
    coordinator->unload(0);
    log.complete();
    ASSERT_TRUE(j4.ready());
    EXPECT_EQ(j4->error_code, error_code::not_coordinator);
}

} // namespace
} // namespace sluice::coordinator::testing
