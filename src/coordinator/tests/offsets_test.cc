// OffsetCommit, OffsetFetch, OffsetDelete, deleted topics and offset retention.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

struct offsets_test : coordinator_test {
    struct part {
        std::string topic;
        int32_t partition;
        int64_t offset;
        std::optional<std::string> metadata = "";
        int32_t leader_epoch = -1;
    };
    answer<msg::offset_commit_response> commit(const std::string& group, int32_t generation, const std::string& member,
                                               std::vector<part> parts, int16_t version = 8,
                                               int64_t retention_ms = -1) {
        msg::offset_commit_request r;
        r.group_id = group;
        r.generation_id_or_member_epoch = generation;
        r.member_id = member;
        r.retention_time_ms = retention_ms;
        for (auto& p : parts) {
            auto it = std::find_if(r.topics.begin(), r.topics.end(), [&](auto& t) { return t.name == p.topic; });
            if (it == r.topics.end()) {
                r.topics.emplace_back().name = p.topic;
                it = r.topics.end() - 1;
            }
            auto& rp = it->partitions.emplace_back();
            rp.partition_index = model::partition_id{p.partition};
            rp.committed_offset = model::offset{p.offset};
            rp.committed_metadata = p.metadata;
            rp.committed_leader_epoch = model::leader_epoch{p.leader_epoch};
        }
        answer<msg::offset_commit_response> a;
        coordinator->offset_commit(version, std::move(r), a.cb());
        return a;
    }
    static error_code only_error(const msg::offset_commit_response& r) {
        EXPECT_EQ(r.topics.size(), 1u);
        EXPECT_EQ(r.topics[0].partitions.size(), 1u);
        return r.topics[0].partitions[0].error_code;
    }
    msg::offset_fetch_response::offset_fetch_response_group
    fetch(const std::string& group, std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> topics,
          bool require_stable = false) {
        msg::offset_fetch_request::offset_fetch_request_group g;
        g.group_id = group;
        if (topics) {
            g.topics.emplace();
            for (auto& [name, parts] : *topics) {
                auto& t = g.topics->emplace_back();
                t.name = name;
                for (int32_t p : parts) t.partition_indexes.push_back(model::partition_id{p});
            }
        } else {
            g.topics.reset();
        }
        answer<msg::offset_fetch_response::offset_fetch_response_group> a;
        coordinator->offset_fetch(9, g, require_stable, a.cb());
        return *a;
    }
    msg::offset_delete_response delete_offsets(const std::string& group,
                                               std::vector<std::pair<std::string, int32_t>> parts) {
        msg::offset_delete_request r;
        r.group_id = group;
        for (auto& [topic, p] : parts) {
            auto it = std::find_if(r.topics.begin(), r.topics.end(), [&](auto& t) { return t.name == topic; });
            if (it == r.topics.end()) {
                r.topics.emplace_back().name = topic;
                it = r.topics.end() - 1;
            }
            it->partitions.emplace_back().partition_index = model::partition_id{p};
        }
        answer<msg::offset_delete_response> a;
        coordinator->offset_delete(0, r, a.cb());
        return *a;
    }
};

TEST_F(offsets_test, standalone_commit_creates_simple_group_and_writes_v3_record) {
    log.durable.clear();
    auto r = commit("g", -1, "", {{"t", 0, 42, "m", 5}});
    EXPECT_EQ(only_error(*r), error_code::none);
    ASSERT_EQ(log.durable.size(), 1u);
    const auto& rec = log.durable[0].second;
    EXPECT_EQ(rec.key, (byte_buffer{0x00, 0x01, 0x00, 0x01, 'g', 0x00, 0x01, 't', 0, 0, 0, 0}));
    byte_buffer value{0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 5, 0x00, 0x01, 'm'};
    for (int i = 7; i >= 0; --i) value.push_back(static_cast<uint8_t>(clock.now >> (8 * i))); // commit time = now
    EXPECT_EQ(*rec.value, value);

    auto d = describe("g");
    EXPECT_EQ(d.group_state, "Empty");
    EXPECT_EQ(d.protocol_type, ""); // a "simple" group
    auto f = fetch("g", std::vector<std::pair<std::string, std::vector<int32_t>>>{{"t", {0, 1}}});
    EXPECT_EQ(f.error_code, error_code::none);
    ASSERT_EQ(f.topics.size(), 1u);
    ASSERT_EQ(f.topics[0].partitions.size(), 2u);
    EXPECT_EQ(f.topics[0].partitions[0].committed_offset.value(), 42);
    EXPECT_EQ(f.topics[0].partitions[0].committed_leader_epoch.value(), 5);
    EXPECT_EQ(f.topics[0].partitions[0].metadata, "m");
    EXPECT_EQ(f.topics[0].partitions[1].committed_offset.value(), -1);
    EXPECT_EQ(f.topics[0].partitions[1].committed_leader_epoch.value(), -1);
    EXPECT_EQ(f.topics[0].partitions[1].metadata, "");
    auto committed = coordinator->committed_offsets("g");
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].offset, 42);
}

TEST_F(offsets_test, retention_time_writes_v1_with_expire_timestamp) {
    log.durable.clear();
    commit("g", -1, "", {{"t", 0, 1}}, 2, 60'000);
    ASSERT_EQ(log.durable.size(), 1u);
    auto d = decode_record(log.durable[0].second.key, byte_view(*log.durable[0].second.value));
    EXPECT_EQ((*log.durable[0].second.value)[1], 1); // value version 1
    EXPECT_EQ(std::get<decoded_offset>(d).value->expire_timestamp_ms, clock.now + 60'000);
    // v5+ has no retention time: v3.
    commit("g", -1, "", {{"t", 0, 2}}, 5, 60'000);
    EXPECT_EQ((*log.durable[1].second.value)[1], 3);
}

TEST_F(offsets_test, commit_validation) {
    EXPECT_EQ(only_error(*commit("", -1, "", {{"t", 0, 1}})), error_code::invalid_group_id);
    EXPECT_EQ(only_error(*commit("nope", 1, "m", {{"t", 0, 1}}, 8)), error_code::illegal_generation);
    EXPECT_EQ(only_error(*commit("nope", 1, "m", {{"t", 0, 1}}, 9)), error_code::group_id_not_found);
    std::string id = stable_single("g");
    EXPECT_EQ(only_error(*commit("g", 1, id, {{"t", 0, 1}})), error_code::none);
    EXPECT_EQ(only_error(*commit("g", 0, id, {{"t", 0, 1}})), error_code::illegal_generation);
    EXPECT_EQ(only_error(*commit("g", 1, "ghost", {{"t", 0, 1}})), error_code::unknown_member_id);
    // No member id, no generation: only for an Empty group.
    EXPECT_EQ(only_error(*commit("g", -1, "", {{"t", 0, 1}})), error_code::unknown_member_id);
    // The member rejoins: generation 2 is CompletingRebalance until its SyncGroup.
    auto j = join("g", {.member_id = id});
    ASSERT_EQ(j->generation_id, 2);
    EXPECT_EQ(only_error(*commit("g", 2, id, {{"t", 0, 1}})), error_code::rebalance_in_progress);
    start(false);
    EXPECT_EQ(only_error(*commit("g", -1, "", {{"t", 0, 1}})), error_code::not_coordinator);
}

TEST_F(offsets_test, commit_during_preparing_rebalance_with_current_generation_is_accepted) {
    config.initial_rebalance_delay_ms = 100;
    start();
    std::string a = stable_single("g");
    std::string b = member_id_for("g");
    join("g", {.member_id = b});
    EXPECT_EQ(state("g"), "PreparingRebalance");
    EXPECT_EQ(only_error(*commit("g", 1, a, {{"t", 0, 1}})), error_code::none);
}

TEST_F(offsets_test, metadata_too_large_per_partition) {
    config.offset_metadata_max_bytes = 4;
    start();
    auto r = commit("g", -1, "", {{"t", 0, 1, "1234"}, {"t", 1, 1, "12345"}, {"t", 2, 1, std::nullopt}});
    ASSERT_EQ(r->topics[0].partitions.size(), 3u);
    EXPECT_EQ(r->topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(r->topics[0].partitions[1].error_code, error_code::offset_metadata_too_large);
    EXPECT_EQ(r->topics[0].partitions[2].error_code, error_code::none);
    auto f = fetch("g", std::nullopt);
    ASSERT_EQ(f.topics[0].partitions.size(), 2u); // partitions 0 and 2
    EXPECT_EQ(f.topics[0].partitions[1].metadata, ""); // null metadata is stored as ""
}

TEST_F(offsets_test, commit_applies_only_after_the_write_succeeds) {
    commit("g", -1, "", {{"t", 0, 1}});
    log.complete_at_once = false;
    auto ok = commit("g", -1, "", {{"t", 0, 2}});
    EXPECT_FALSE(ok.ready());
    EXPECT_EQ(coordinator->committed_offsets("g")[0].offset, 1);
    log.complete();
    EXPECT_EQ(only_error(*ok), error_code::none);
    EXPECT_EQ(coordinator->committed_offsets("g")[0].offset, 2);
    auto failed = commit("g", -1, "", {{"t", 0, 3}});
    log.complete(error_code::kafka_storage_error);
    EXPECT_EQ(only_error(*failed), error_code::not_coordinator);
    EXPECT_EQ(coordinator->committed_offsets("g")[0].offset, 2);
    auto too_large = commit("g", -1, "", {{"t", 0, 3}});
    log.complete(error_code::record_list_too_large);
    EXPECT_EQ(only_error(*too_large), error_code::unknown_server_error);
}

TEST_F(offsets_test, failed_first_commit_leaves_no_group) {
    log.complete_at_once = false;
    auto r = commit("g", -1, "", {{"t", 0, 1}});
    log.complete(error_code::not_enough_replicas);
    EXPECT_EQ(only_error(*r), error_code::coordinator_not_available);
    EXPECT_EQ(state("g"), "Dead");
}

TEST_F(offsets_test, fetch_all_unknown_group_and_not_coordinator) {
    commit("g", -1, "", {{"b", 1, 11}, {"a", 0, 10}, {"b", 0, 12}});
    auto all = fetch("g", std::nullopt);
    ASSERT_EQ(all.topics.size(), 2u);
    EXPECT_EQ(all.topics[0].name, "a");
    EXPECT_EQ(all.topics[1].name, "b");
    ASSERT_EQ(all.topics[1].partitions.size(), 2u);
    EXPECT_EQ(all.topics[1].partitions[0].committed_offset.value(), 12);
    auto unknown = fetch("nobody", std::vector<std::pair<std::string, std::vector<int32_t>>>{{"a", {0}}});
    EXPECT_EQ(unknown.error_code, error_code::none);
    EXPECT_EQ(unknown.topics[0].partitions[0].committed_offset.value(), -1);
    EXPECT_TRUE(fetch("nobody", std::nullopt).topics.empty());
    auto stable = fetch("g", std::nullopt, true); // no pending transactional offsets yet
    EXPECT_EQ(stable.topics[0].partitions[0].error_code, error_code::none);
    coordinator->unload(0);
    EXPECT_EQ(fetch("g", std::nullopt).error_code, error_code::not_coordinator);
}

TEST_F(offsets_test, offset_delete_rules) {
    EXPECT_EQ(delete_offsets("nobody", {{"t", 0}}).error_code, error_code::group_id_not_found);
    // A consumer group subscribed to t: its offsets of t stay; those of u go.
    std::string id = stable_single("g");
    commit("g", 1, id, {{"t", 0, 1}, {"u", 0, 2}});
    log.durable.clear();
    auto r = delete_offsets("g", {{"t", 0}, {"u", 0}, {"u", 7}});
    EXPECT_EQ(r.error_code, error_code::none);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::group_subscribed_to_topic);
    EXPECT_EQ(r.topics[1].partitions[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[1].partitions[1].error_code, error_code::none);
    ASSERT_EQ(log.durable.size(), 1u); // one tombstone: u-0 (u-7 had no offset)
    EXPECT_EQ(log.durable[0].second.key, offset_tombstone("g", "u", 0).key);
    EXPECT_FALSE(log.durable[0].second.value);
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
    // A non-consumer protocol group with members: NON_EMPTY_GROUP.
    std::string c = stable_single("connect-group", {.protocol_type = "connect"});
    commit("connect-group", 1, c, {{"t", 0, 1}});
    EXPECT_EQ(delete_offsets("connect-group", {{"t", 0}}).error_code, error_code::non_empty_group);
}

TEST_F(offsets_test, offset_delete_while_subscriptions_are_unknown_keeps_offsets) {
    config.initial_rebalance_delay_ms = 1'000;
    start();
    commit("g", -1, "", {{"t", 0, 1}});
    std::string id = member_id_for("g");
    join("g", {.member_id = id}); // PreparingRebalance: no generation computed the subscriptions yet
    auto r = delete_offsets("g", {{"t", 0}});
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::group_subscribed_to_topic);
}

TEST_F(offsets_test, topics_deleted_tombstones_their_offsets) {
    commit("g", -1, "", {{"t", 0, 1}, {"u", 0, 2}});
    commit("h", -1, "", {{"t", 3, 1}});
    log.durable.clear();
    coordinator->topics_deleted({"t"});
    EXPECT_EQ(log.durable.size(), 2u);
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
    EXPECT_TRUE(coordinator->committed_offsets("h").empty());
}

TEST_F(offsets_test, retention_of_simple_group_counts_from_commit) {
    config.offsets_retention_ms = 100'000;
    config.offsets_retention_check_interval_ms = 10'000;
    start();
    commit("g", -1, "", {{"t", 0, 1}});
    clock.advance(50'000);
    commit("g", -1, "", {{"t", 1, 1}});
    clock.advance(50'000); // t0 is 100 s old
    auto left = coordinator->committed_offsets("g");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].partition, 1);
    EXPECT_EQ(state("g"), "Empty");
    log.durable.clear();
    clock.advance(50'000);
    EXPECT_TRUE(coordinator->committed_offsets("g").empty());
    EXPECT_EQ(state("g"), "Dead"); // no offsets left: the group is deleted too
    ASSERT_EQ(log.durable.size(), 2u);
    EXPECT_EQ(log.durable[1].second.key, group_tombstone("g").key);
    EXPECT_FALSE(log.durable[1].second.value);
}

TEST_F(offsets_test, retention_of_empty_group_counts_from_becoming_empty) {
    config.offsets_retention_ms = 100'000;
    config.offsets_retention_check_interval_ms = 10'000;
    start();
    std::string id = stable_single("g", {.session_timeout_ms = 30'000});
    commit("g", 1, id, {{"t", 0, 1}});
    for (int i = 0; i < 30; ++i) { // 300 s with a member: offsets of subscribed t are kept
        clock.advance(10'000);
        heartbeat("g", id, 1);
    }
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
    // The member goes: the group is Empty from now, the offsets expire 100 s later (KIP-211).
    answer<msg::leave_group_response> left;
    msg::leave_group_request leave;
    leave.group_id = "g";
    leave.member_id = id;
    coordinator->leave_group(0, leave, left.cb());
    EXPECT_EQ(state("g"), "Empty");
    clock.advance(90'000);
    EXPECT_EQ(coordinator->committed_offsets("g").size(), 1u);
    clock.advance(10'000);
    EXPECT_TRUE(coordinator->committed_offsets("g").empty());
    EXPECT_EQ(state("g"), "Dead");
}

TEST_F(offsets_test, empty_group_without_offsets_is_deleted_at_the_next_check) {
    config.offsets_retention_check_interval_ms = 10'000;
    start();
    std::string id = stable_single("g", {.session_timeout_ms = 6'000});
    clock.advance(6'000); // its session expires: Empty, no offsets
    ASSERT_EQ(state("g"), "Empty");
    log.durable.clear();
    clock.advance(4'000);
    EXPECT_EQ(state("g"), "Dead");
    ASSERT_EQ(log.durable.size(), 1u);
    EXPECT_EQ(log.durable[0].second.key, group_tombstone("g").key);
    EXPECT_FALSE(log.durable[0].second.value);
    (void)id;
}

TEST_F(offsets_test, retention_in_stable_consumer_group_expires_unsubscribed_topics_only) {
    config.offsets_retention_ms = 100'000;
    config.offsets_retention_check_interval_ms = 10'000;
    start();
    std::string id = stable_single("g", {.session_timeout_ms = 30'000});
    commit("g", 1, id, {{"t", 0, 1}, {"old", 0, 1}});
    for (int i = 0; i < 11; ++i) {
        clock.advance(10'000);
        heartbeat("g", id, 1);
    }
    auto left = coordinator->committed_offsets("g");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].topic, "t");
    EXPECT_EQ(state("g"), "Stable");
}

} // namespace
} // namespace sluice::coordinator::testing
