// KIP-98 transactional offset commits: TxnOffsetCommit writes one transactional batch, its
// offsets stay pending (invisible to OffsetFetch, UNSTABLE_OFFSET_COMMIT with require_stable)
// until the producer's COMMIT marker, an ABORT drops them, a replay with the markers rebuilds
// the same state, and the member checks are Kafka 4.0's for classic and consumer groups.
#include "coordinator/offsets_records.h"
#include "harness.h"

namespace sluice::coordinator::testing {
namespace {

using txn_response = msg::txn_offset_commit_response;
using fetch_group = msg::offset_fetch_response::offset_fetch_response_group;

struct txn_request {
    int64_t producer_id = 7;
    int16_t producer_epoch = 3;
    int32_t generation = -1;
    std::string member_id;
    std::optional<std::string> instance_id;
    std::vector<std::pair<int32_t, int64_t>> offsets = {{0, 10}, {1, 11}}; // partition → offset of "t"
    std::optional<std::string> metadata = "m";
    int16_t version = 4;
};

struct txn_offsets_test : coordinator_test {
    answer<txn_response> txn_commit(const std::string& group, txn_request o = {}) {
        msg::txn_offset_commit_request r;
        r.transactional_id = "tx";
        r.group_id = group;
        r.producer_id = model::producer_id{o.producer_id};
        r.producer_epoch = model::producer_epoch{o.producer_epoch};
        r.generation_id = o.generation;
        r.member_id = o.member_id;
        r.group_instance_id = o.instance_id;
        auto& t = r.topics.emplace_back();
        t.name = "t";
        for (auto [p, offset] : o.offsets) {
            auto& rp = t.partitions.emplace_back();
            rp.partition_index = model::partition_id{p};
            rp.committed_offset = model::offset{offset};
            rp.committed_leader_epoch = model::leader_epoch{2};
            rp.committed_metadata = o.metadata;
        }
        answer<txn_response> a;
        coordinator->txn_offset_commit(o.version, std::move(r), a.cb());
        return a;
    }
    static error_code only_error(const txn_response& r) {
        error_code e = r.topics.at(0).partitions.at(0).error_code;
        for (const auto& t : r.topics)
            for (const auto& p : t.partitions) EXPECT_EQ(p.error_code, e);
        return e;
    }
    void commit(const std::string& group, int32_t partition, int64_t offset) {
        msg::offset_commit_request c;
        c.group_id = group;
        c.generation_id_or_member_epoch = -1;
        auto& t = c.topics.emplace_back();
        t.name = "t";
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{partition};
        p.committed_offset = model::offset{offset};
        answer<msg::offset_commit_response> a;
        coordinator->offset_commit(8, c, a.cb());
        ASSERT_EQ(a->topics.at(0).partitions.at(0).error_code, error_code::none);
    }
    // The marker written to the partition, then the coordinator told (as the server does).
    void end_txn(int64_t producer_id, bool commit) {
        log.marker(0, producer_id, commit);
        coordinator->complete_transaction(0, model::producer_id{producer_id}, commit);
    }
    fetch_group fetch(const std::string& group, bool require_stable, std::vector<int32_t> parts = {0, 1}) {
        msg::offset_fetch_request::offset_fetch_request_group g;
        g.group_id = group;
        auto& t = g.topics->emplace_back();
        t.name = "t";
        for (int32_t p : parts) t.partition_indexes.push_back(model::partition_id{p});
        answer<fetch_group> a;
        coordinator->offset_fetch(9, g, require_stable, a.cb());
        return *a;
    }
    fetch_group fetch_all(const std::string& group, bool require_stable = false) {
        msg::offset_fetch_request::offset_fetch_request_group g;
        g.group_id = group;
        g.topics.reset();
        answer<fetch_group> a;
        coordinator->offset_fetch(9, g, require_stable, a.cb());
        return *a;
    }
    // (offset, error) per requested partition of "t".
    std::vector<std::pair<int64_t, error_code>> seen(const fetch_group& f) {
        std::vector<std::pair<int64_t, error_code>> out;
        for (const auto& p : f.topics.at(0).partitions) out.emplace_back(p.committed_offset.value(), p.error_code);
        return out;
    }
    // A fresh coordinator that replays the partition as it is on disk.
    void restart_and_replay() {
        std::vector<memory_log::entry> entries = log.history;
        start(false);
        coordinator->begin_load(0);
        for (auto& e : entries) {
            if (!e.record) {
                coordinator->replay_end_txn(e.partition, model::producer_id{e.producer_id}, e.commit);
                continue;
            }
            std::optional<byte_view> value;
            if (e.record->value) value = byte_view(*e.record->value);
            coordinator->replay(e.partition, model::producer_id{e.producer_id}, e.record->key, value);
        }
        coordinator->complete_load(0);
    }
};

using offsets_seen = std::vector<std::pair<int64_t, error_code>>;

TEST_F(txn_offsets_test, offsets_are_pending_until_the_commit_marker) {
    auto a = txn_commit("g");
    ASSERT_TRUE(a.ready());
    EXPECT_EQ(only_error(*a), error_code::none);
    ASSERT_EQ(a->topics.size(), 1u);
    EXPECT_EQ(a->topics[0].partitions.size(), 2u);
    // One transactional batch of the producer.
    ASSERT_EQ(log.history.size(), 2u);
    EXPECT_EQ(log.history[0].producer_id, 7);
    EXPECT_EQ(log.history[1].producer_id, 7);

    EXPECT_EQ(seen(fetch("g", false)), (offsets_seen{{-1, error_code::none}, {-1, error_code::none}}));
    EXPECT_TRUE(fetch_all("g").topics.empty());
    EXPECT_EQ(seen(fetch("g", true, {0, 1, 2})),
              (offsets_seen{{-1, error_code::unstable_offset_commit}, {-1, error_code::unstable_offset_commit},
                            {-1, error_code::none}}));
    EXPECT_TRUE(coordinator->committed_offsets("g").empty());
    // Another producer's marker changes nothing.
    end_txn(8, true);
    EXPECT_EQ(seen(fetch("g", true, {0})), (offsets_seen{{-1, error_code::unstable_offset_commit}}));

    end_txn(7, true);
    EXPECT_EQ(seen(fetch("g", false)), (offsets_seen{{10, error_code::none}, {11, error_code::none}}));
    EXPECT_EQ(seen(fetch("g", true)), (offsets_seen{{10, error_code::none}, {11, error_code::none}}));
    auto all = fetch_all("g", true);
    ASSERT_EQ(all.topics.size(), 1u);
    EXPECT_EQ(all.topics[0].partitions.at(0).committed_leader_epoch, model::leader_epoch{2});
    EXPECT_EQ(all.topics[0].partitions.at(0).metadata, "m");
    EXPECT_EQ(describe("g").group_state, "Empty"); // a simple group
}

TEST_F(txn_offsets_test, an_abort_drops_the_pending_offsets) {
    commit("g", 0, 5);
    EXPECT_EQ(only_error(*txn_commit("g")), error_code::none);
    end_txn(7, false);
    EXPECT_EQ(seen(fetch("g", true)), (offsets_seen{{5, error_code::none}, {-1, error_code::none}}));
    // A later transaction of the same producer starts afresh.
    EXPECT_EQ(only_error(*txn_commit("g", {.offsets = {{1, 30}}})), error_code::none);
    end_txn(7, true);
    EXPECT_EQ(seen(fetch("g", false)), (offsets_seen{{5, error_code::none}, {30, error_code::none}}));
}

TEST_F(txn_offsets_test, the_last_written_offset_wins_over_a_transaction_committed_later) {
    // A plain commit written after the transaction's offset keeps its place (Kafka 4.0).
    EXPECT_EQ(only_error(*txn_commit("g", {.offsets = {{0, 10}}})), error_code::none);
    commit("g", 0, 20);
    end_txn(7, true);
    EXPECT_EQ(seen(fetch("g", false, {0})), (offsets_seen{{20, error_code::none}}));
    // One written before it is replaced.
    commit("g", 1, 1);
    EXPECT_EQ(only_error(*txn_commit("g", {.offsets = {{1, 40}}})), error_code::none);
    end_txn(7, true);
    EXPECT_EQ(seen(fetch("g", false)), (offsets_seen{{20, error_code::none}, {40, error_code::none}}));

    // A plain commit written before the marker but durable only after it does not hide the
    // transaction's newer offset.
    log.complete_at_once = false;
    msg::offset_commit_request c;
    c.group_id = "g";
    auto& t = c.topics.emplace_back();
    t.name = "t";
    auto& p = t.partitions.emplace_back();
    p.partition_index = model::partition_id{1};
    p.committed_offset = model::offset{50};
    answer<msg::offset_commit_response> late;
    coordinator->offset_commit(8, c, late.cb());
    auto txn = txn_commit("g", {.offsets = {{1, 60}}});
    end_txn(7, true); // the marker lands behind both
    log.complete();   // the plain commit is durable now
    log.complete();   // and the transaction's batch
    ASSERT_TRUE(late.ready() && txn.ready());
    EXPECT_EQ(late->topics.at(0).partitions.at(0).error_code, error_code::none);
    EXPECT_EQ(seen(fetch("g", false, {1})), (offsets_seen{{60, error_code::none}}));
}

TEST_F(txn_offsets_test, replay_with_markers_rebuilds_committed_and_pending_offsets) {
    commit("g", 0, 1);
    EXPECT_EQ(only_error(*txn_commit("g", {.producer_id = 1, .offsets = {{0, 10}}})), error_code::none);
    EXPECT_EQ(only_error(*txn_commit("g", {.producer_id = 2, .offsets = {{1, 20}}})), error_code::none);
    EXPECT_EQ(only_error(*txn_commit("h", {.producer_id = 3, .offsets = {{0, 30}}})), error_code::none);
    commit("h", 1, 31);
    EXPECT_EQ(only_error(*txn_commit("h", {.producer_id = 4, .offsets = {{1, 32}}})), error_code::none);
    commit("h", 1, 33);
    end_txn(1, true);
    end_txn(2, false);
    end_txn(4, true); // 32 was written before 33: 33 stays
    // Producer 3 stays open.
    auto g_before = fetch("g", true), h_before = fetch("h", true);
    auto g_all = fetch_all("g"), h_all = fetch_all("h");
    EXPECT_EQ(seen(g_before), (offsets_seen{{10, error_code::none}, {-1, error_code::none}}));
    EXPECT_EQ(seen(h_before), (offsets_seen{{-1, error_code::unstable_offset_commit}, {33, error_code::none}}));

    restart_and_replay();
    EXPECT_EQ(coordinator->skipped_records(), 0u);
    EXPECT_EQ(fetch("g", true), g_before);
    EXPECT_EQ(fetch("h", true), h_before);
    EXPECT_EQ(fetch_all("g"), g_all);
    EXPECT_EQ(fetch_all("h"), h_all);
    // The open transaction ends after the load like any other.
    coordinator->complete_transaction(0, model::producer_id{3}, true);
    EXPECT_EQ(seen(fetch("h", true)), (offsets_seen{{30, error_code::none}, {33, error_code::none}}));
}

TEST_F(txn_offsets_test, request_errors) {
    EXPECT_EQ(only_error(*txn_commit("")), error_code::invalid_group_id);
    config.offsets_topic_partitions = 2; // "g" maps to a partition never loaded
    start();
    EXPECT_EQ(only_error(*txn_commit("g")), error_code::not_coordinator);
    config.offsets_topic_partitions = 1;
    start(false);
    coordinator->begin_load(0);
    EXPECT_EQ(only_error(*txn_commit("g")), error_code::coordinator_load_in_progress);
    coordinator->complete_load(0);

    config.offset_metadata_max_bytes = 3;
    start();
    auto a = txn_commit("g", {.metadata = "four"});
    EXPECT_EQ(only_error(*a), error_code::offset_metadata_too_large);
    EXPECT_TRUE(log.history.empty());
    EXPECT_EQ(describe("g").group_state, "Empty"); // created by the validation, as for OffsetCommit

    // A failed append: its offsets are not pending and the error is Kafka's mapping.
    log.complete_at_once = false;
    auto failed = txn_commit("f");
    EXPECT_EQ(seen(fetch("f", true, {0})), (offsets_seen{{-1, error_code::unstable_offset_commit}}));
    log.complete(error_code::kafka_storage_error);
    EXPECT_EQ(only_error(*failed), error_code::not_coordinator);
    EXPECT_EQ(seen(fetch("f", true, {0})), (offsets_seen{{-1, error_code::none}}));
    EXPECT_EQ(describe("f").group_state, "Dead"); // the simple group made for it is gone again
}

TEST_F(txn_offsets_test, classic_group_generation_and_member_checks) {
    std::string member = stable_single("g");
    EXPECT_EQ(only_error(*txn_commit("g", {.generation = 1, .member_id = member})), error_code::none);
    EXPECT_EQ(only_error(*txn_commit("g", {.generation = 2, .member_id = member})), error_code::illegal_generation);
    EXPECT_EQ(only_error(*txn_commit("g", {.generation = 1, .member_id = "nobody"})), error_code::unknown_member_id);
    EXPECT_EQ(only_error(*txn_commit("g", {.generation = 1, .member_id = ""})), error_code::unknown_member_id);
    // v0-2 carry no member fields: accepted even though the group has members (OffsetCommit
    // would answer UNKNOWN_MEMBER_ID).
    EXPECT_EQ(only_error(*txn_commit("g", {.version = 2})), error_code::none);
    // A group that does not exist: only without a generation.
    EXPECT_EQ(only_error(*txn_commit("nope", {.generation = 1, .member_id = "m"})), error_code::illegal_generation);

    // Static members: another member id for the instance id is fenced.
    auto j = join("s", {.instance_id = "i1"});
    clock.advance(config.initial_rebalance_delay_ms);
    ASSERT_TRUE(j.ready());
    ASSERT_EQ(sync("s", j->member_id, j->generation_id, {{j->member_id, {1}}}, "i1")->error_code, error_code::none);
    EXPECT_EQ(only_error(*txn_commit("s", {.generation = 1, .member_id = "other", .instance_id = "i1"})),
              error_code::fenced_instance_id);
    EXPECT_EQ(only_error(*txn_commit("s", {.generation = 1, .member_id = j->member_id, .instance_id = "i2"})),
              error_code::unknown_member_id);
    EXPECT_EQ(only_error(*txn_commit("s", {.generation = 1, .member_id = j->member_id, .instance_id = "i1"})),
              error_code::none);

    // The group's state is not enforced: a commit during a rebalance with the current
    // generation is accepted (OffsetCommit answers REBALANCE_IN_PROGRESS in CompletingRebalance).
    join_options o;
    o.member_id = member;
    o.protocols = {{"range", subscription({"t", "u"})}};
    auto rejoin = join("g", o);
    clock.advance(config.initial_rebalance_delay_ms);
    ASSERT_TRUE(rejoin.ready());
    EXPECT_EQ(state("g"), "CompletingRebalance");
    EXPECT_EQ(only_error(*txn_commit("g", {.generation = rejoin->generation_id, .member_id = member})),
              error_code::none);
}

TEST_F(txn_offsets_test, consumer_group_member_checks) {
    uuid topic_id;
    topic_id.bytes[15] = 1;
    auto topics = std::make_shared<const std::map<std::string, topic_metadata, std::less<>>>(
        std::map<std::string, topic_metadata, std::less<>>{{"t", {topic_id, 2}}});
    msg::consumer_group_heartbeat_request r;
    r.group_id = "cg";
    r.member_id = "m1";
    r.member_epoch = 0;
    r.rebalance_timeout_ms = 30'000;
    r.subscribed_topic_names = std::vector<std::string>{"t"};
    r.topic_partitions.emplace();
    answer<msg::consumer_group_heartbeat_response> hb;
    coordinator->consumer_group_heartbeat(0, r, client_info{"c", "/127.0.0.1"}, topics, hb.cb());
    ASSERT_TRUE(hb.ready());
    ASSERT_EQ(hb->error_code, error_code::none);
    const int32_t epoch = hb->member_epoch;
    EXPECT_EQ(only_error(*txn_commit("cg", {.generation = epoch, .member_id = "m1"})), error_code::none);
    // A stale member epoch is answered ILLEGAL_GENERATION to a transactional producer.
    EXPECT_EQ(only_error(*txn_commit("cg", {.generation = epoch + 1, .member_id = "m1"})),
              error_code::illegal_generation);
    EXPECT_EQ(only_error(*txn_commit("cg", {.generation = epoch, .member_id = "m2"})), error_code::unknown_member_id);
    EXPECT_EQ(only_error(*txn_commit("cg", {.version = 0})), error_code::none); // no member fields
    end_txn(7, true);
    EXPECT_EQ(seen(fetch("cg", false)), (offsets_seen{{10, error_code::none}, {11, error_code::none}}));
}

TEST_F(txn_offsets_test, deleting_offsets_or_the_group_removes_pending_offsets_too) {
    EXPECT_EQ(only_error(*txn_commit("g", {.offsets = {{0, 10}}})), error_code::none);
    msg::offset_delete_request d;
    d.group_id = "g";
    auto& t = d.topics.emplace_back();
    t.name = "t";
    t.partitions.emplace_back().partition_index = model::partition_id{0};
    answer<msg::offset_delete_response> deleted;
    const size_t before = log.history.size();
    coordinator->offset_delete(0, d, deleted.cb());
    EXPECT_EQ(deleted->error_code, error_code::none);
    ASSERT_EQ(log.history.size(), before + 1); // a tombstone, though nothing was committed
    EXPECT_FALSE(log.history.back().record->value);
    EXPECT_EQ(seen(fetch("g", true, {0})), (offsets_seen{{-1, error_code::none}}));
    end_txn(7, true);
    EXPECT_EQ(seen(fetch("g", false, {0})), (offsets_seen{{-1, error_code::none}}));

    // DeleteGroups of an Empty group with offsets only pending.
    EXPECT_EQ(only_error(*txn_commit("h", {.producer_id = 9, .offsets = {{1, 5}}})), error_code::none);
    answer<msg::delete_groups_response::deletable_group_result> gone;
    coordinator->delete_group(2, "h", gone.cb());
    EXPECT_EQ(gone->error_code, error_code::none);
    EXPECT_EQ(describe("h").group_state, "Dead");
    end_txn(9, true);
    EXPECT_TRUE(fetch_all("h").topics.empty());
    // The replay agrees.
    restart_and_replay();
    EXPECT_TRUE(fetch_all("h").topics.empty());
    EXPECT_EQ(seen(fetch("g", true, {0})), (offsets_seen{{-1, error_code::none}}));
}

TEST_F(txn_offsets_test, expiry_waits_for_pending_offsets) {
    commit("g", 0, 5);
    EXPECT_EQ(only_error(*txn_commit("g", {.offsets = {{0, 10}}})), error_code::none);
    clock.advance(config.offsets_retention_ms + config.offsets_retention_check_interval_ms);
    // Neither the offset nor the group expire while a transaction may still commit there.
    EXPECT_EQ(describe("g").group_state, "Empty");
    EXPECT_EQ(seen(fetch("g", true, {0})), (offsets_seen{{-1, error_code::unstable_offset_commit}}));
    end_txn(7, false);
    EXPECT_EQ(seen(fetch("g", false, {0})), (offsets_seen{{5, error_code::none}}));
    clock.advance(config.offsets_retention_check_interval_ms);
    EXPECT_EQ(describe("g").group_state, "Dead");
}

} // namespace
} // namespace sluice::coordinator::testing
