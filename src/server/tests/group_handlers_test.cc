// The group APIs through the dispatcher on real shards, a real log directory and a controller
// (over cluster::testing::local_metadata_log): FindCoordinator creates __consumer_offsets, a
// member joins and syncs, offsets are committed into the group's partition of
// __consumer_offsets, and a restart of the shards (same directory, same metadata) replays them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "cluster/tests/local_metadata_log.h"
#include "cluster/topic_config_hooks.h"
#include "coordinator/group_coordinator.h"
#include "protocol/generated/all_messages.h"
#include "protocol/record_batch.h"
#include "protocol/record_reader.h"
#include "server/dispatcher.h"
#include "server/group_lag.h"
#include "server/group_shard.h"
#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "server/handler_table.h"
#include "server/shard_partitions.h"
#include "server/tests/request_frames.h"
#include "server/tests/shards_fixture.h"
#include "storage/posix_file_system.h"

namespace sluice::server {
namespace {

namespace msg = protocol::msg;
using protocol::error_code;

class group_handlers : public testing::shards_fixture {
protected:
    group_handlers() : shards_fixture("groups", {{"offsets.topic.num.partitions", "4"}, {"group.initial.rebalance.delay.ms", "0"}}) {}

    template <typename Request>
    byte_buffer frame(const Request& req, int16_t version) {
        return testing::request_frame(req, version, 9, "client-a");
    }

    template <typename Response, typename Request>
    Response call(const Request& req, int16_t version, net::shard_id on = 0) {
        net::response r = shards.run_on(on, [&, on]() -> asio::awaitable<net::response> {
            co_return co_await dispatchers[on]->handle(frame(req, version), connection);
        }).get();
        Response resp;
        EXPECT_EQ(r.what, net::response::action::send);
        const protocol::api_info* api = protocol::find_api(Request::api_key);
        protocol::reader reader(r.bytes);
        msg::response_header h;
        h.read(reader, protocol::response_header_version(*api, version));
        EXPECT_TRUE(resp.decode(byte_view(reader.position(), reader.remaining()), version));
        return resp;
    }

    // Joins `group` as a new member (KIP-394: asked for a member id first) and syncs as the
    // only member with `assignment`; returns the member id.
    std::string join_and_sync(const std::string& group, const std::string& assignment) {
        msg::join_group_request join;
        join.group_id = group;
        join.session_timeout_ms = 10'000;
        join.rebalance_timeout_ms = 10'000;
        join.protocol_type = "consumer";
        auto& proto = join.protocols.emplace_back();
        proto.name = "range";
        proto.metadata = {0, 1, 2};
        auto first = call<msg::join_group_response>(join, 9);
        EXPECT_EQ(first.error_code, error_code::member_id_required);
        EXPECT_FALSE(first.member_id.empty());
        join.member_id = first.member_id;
        auto joined = call<msg::join_group_response>(join, 9, 1); // any shard reaches the coordinator
        EXPECT_EQ(joined.error_code, error_code::none);
        EXPECT_EQ(joined.generation_id, 1);
        EXPECT_EQ(joined.leader, first.member_id);
        EXPECT_EQ(joined.protocol_name, std::optional<std::string>("range"));
        EXPECT_EQ(joined.members.size(), 1u);
        msg::sync_group_request sync;
        sync.group_id = group;
        sync.generation_id = joined.generation_id;
        sync.member_id = joined.member_id;
        sync.protocol_type = "consumer";
        sync.protocol_name = "range";
        auto& a = sync.assignments.emplace_back();
        a.member_id = joined.member_id;
        a.assignment.assign(assignment.begin(), assignment.end());
        auto synced = call<msg::sync_group_response>(sync, 5);
        EXPECT_EQ(synced.error_code, error_code::none);
        EXPECT_EQ(std::string(synced.assignment.begin(), synced.assignment.end()), assignment);
        return joined.member_id;
    }

    msg::offset_commit_response commit(const std::string& group, const std::string& member, int32_t generation,
                                       const std::string& topic, std::vector<std::pair<int32_t, int64_t>> offsets) {
        msg::offset_commit_request req;
        req.group_id = group;
        req.member_id = member;
        req.generation_id_or_member_epoch = generation;
        auto& t = req.topics.emplace_back();
        t.name = topic;
        for (auto [p, o] : offsets) {
            auto& part = t.partitions.emplace_back();
            part.partition_index = model::partition_id{p};
            part.committed_offset = model::offset{o};
            part.committed_metadata = "meta-" + std::to_string(p);
        }
        return call<msg::offset_commit_response>(req, 9);
    }

    // OffsetFetch v8 for every committed offset of `group`: (topic, partition) -> offset.
    std::map<std::pair<std::string, int32_t>, int64_t> committed(const std::string& group) {
        msg::offset_fetch_request req;
        auto& g = req.groups.emplace_back();
        g.group_id = group;
        g.topics.reset();
        auto resp = call<msg::offset_fetch_response>(req, 8);
        std::map<std::pair<std::string, int32_t>, int64_t> out;
        EXPECT_EQ(resp.groups.size(), 1u);
        if (resp.groups.empty()) return out;
        EXPECT_EQ(resp.groups[0].error_code, error_code::none);
        for (const auto& t : resp.groups[0].topics)
            for (const auto& p : t.partitions) out[{t.name, p.partition_index.value()}] = p.committed_offset.value();
        return out;
    }

    // OffsetFetch v8 of `group` for partitions of "orders": (offset, error) each.
    std::vector<std::pair<int64_t, error_code>> fetch_orders(const std::string& group, std::vector<int32_t> parts,
                                                              bool require_stable) {
        msg::offset_fetch_request req;
        req.require_stable = require_stable;
        auto& g = req.groups.emplace_back();
        g.group_id = group;
        auto& t = g.topics->emplace_back();
        t.name = "orders";
        for (int32_t p : parts) t.partition_indexes.push_back(model::partition_id{p});
        auto resp = call<msg::offset_fetch_response>(req, 8);
        std::vector<std::pair<int64_t, error_code>> out;
        for (const auto& p : resp.groups.at(0).topics.at(0).partitions)
            out.emplace_back(p.committed_offset.value(), p.error_code);
        return out;
    }

    msg::txn_offset_commit_response txn_commit(const std::string& group, int64_t producer_id,
                                               std::vector<std::pair<int32_t, int64_t>> offsets,
                                               std::vector<std::string> topics = {"orders"}) {
        msg::txn_offset_commit_request req;
        req.transactional_id = "tx-" + std::to_string(producer_id);
        req.group_id = group;
        req.producer_id = model::producer_id{producer_id};
        req.producer_epoch = model::producer_epoch{5};
        for (const auto& name : topics) {
            auto& t = req.topics.emplace_back();
            t.name = name;
            for (auto [p, o] : offsets) {
                auto& part = t.partitions.emplace_back();
                part.partition_index = model::partition_id{p};
                part.committed_offset = model::offset{o};
            }
        }
        return call<msg::txn_offset_commit_response>(req, 3);
    }

    // What the lead's marker writer does: a COMMIT/ABORT control batch of the producer appended
    // to __consumer_offsets-<partition>, then the group shard told.
    void write_marker(int32_t partition, int64_t producer_id, bool commit, bool tell_coordinator = true) {
        const net::shard_id owner = ctx.owner_of("__consumer_offsets", partition);
        shards.run_on(owner, [&] {
            protocol::batch_builder_options o;
            o.producer_id = model::producer_id{producer_id};
            o.producer_epoch = model::producer_epoch{5};
            o.control = true;
            o.transactional = true;
            protocol::record_batch_builder builder(o);
            const auto key = protocol::encode_control_key(commit ? protocol::control_record_type::commit
                                                                 : protocol::control_record_type::abort);
            const auto value = protocol::encode_end_txn_marker(0);
            protocol::record_input in;
            in.timestamp_ms = clock.now_ms();
            in.key = byte_view(key.data(), key.size());
            in.value = byte_view(value.data(), value.size());
            builder.append(in);
            auto built = builder.build();
            server::partition* p = partitions[owner]->lookup("__consumer_offsets", partition);
            ASSERT_NE(p, nullptr);
            ASSERT_TRUE(p->log->log->append(std::span<uint8_t>(built.bytes.data(), built.bytes.size()),
                                            model::leader_epoch{0}));
            if (tell_coordinator) partitions[owner]->groups().complete_transaction(partition, model::producer_id{producer_id}, commit);
        }).get();
    }

    // The batches of __consumer_offsets-<partition>, read on its shard.
    std::vector<byte_buffer> offsets_batches(int32_t partition) {
        const net::shard_id owner = ctx.owner_of("__consumer_offsets", partition);
        return shards.run_on(owner, [&] {
            std::vector<byte_buffer> out;
            storage::log& log = *partitions[owner]->lookup("__consumer_offsets", partition)->log->log;
            model::offset next = log.log_start_offset();
            while (next < log.log_end_offset()) {
                auto read = log.read(next, 1u << 20);
                if (!read || read->range.empty()) break;
                byte_buffer bytes(read->range.length);
                auto got = read->range.file->read_at(read->range.position, std::span<uint8_t>(bytes.data(), bytes.size()));
                if (!got) break;
                std::vector<protocol::record_batch_view> batches;
                protocol::split_batches(byte_view(bytes), batches);
                if (batches.empty()) break;
                for (const auto& b : batches) {
                    out.emplace_back(b.bytes().begin(), b.bytes().end());
                    next = model::offset{b.base_offset().value() + b.last_offset_delta() + 1};
                }
            }
            return out;
        }).get();
    }

};

TEST_F(group_handlers, find_coordinator_creates_the_offsets_topic_and_names_this_broker) {
    msg::find_coordinator_request req;
    req.key = "g1";
    auto resp = call<msg::find_coordinator_response>(req, 3);
    EXPECT_EQ(resp.error_code, error_code::none);
    EXPECT_EQ(resp.node_id, model::node_id{1});
    EXPECT_EQ(resp.host, "broker.example");
    EXPECT_EQ(resp.port, 19092);
    const cluster::topic_image* t = store.current()->find("__consumer_offsets");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->partitions.size(), 4u);
    EXPECT_EQ(t->configs.at("cleanup.policy"), "compact");
    EXPECT_EQ(t->configs.at("segment.bytes"), "104857600");

    msg::find_coordinator_request batch; // v4+: several keys, one entry each
    batch.coordinator_keys = {"a", "b"};
    auto v4 = call<msg::find_coordinator_response>(batch, 4);
    ASSERT_EQ(v4.coordinators.size(), 2u);
    EXPECT_EQ(v4.coordinators[1].key, "b");
    EXPECT_EQ(v4.coordinators[1].error_code, error_code::none);
    EXPECT_EQ(v4.coordinators[1].port, 19092);

    msg::find_coordinator_request txn;
    txn.key = "tx";
    txn.key_type = 1;
    EXPECT_EQ(call<msg::find_coordinator_response>(txn, 3).error_code, error_code::none); // creates __transaction_state
    msg::find_coordinator_request bad;
    bad.key = "x";
    bad.key_type = 7;
    EXPECT_EQ(call<msg::find_coordinator_response>(bad, 3).error_code, error_code::invalid_request);
}

TEST_F(group_handlers, group_requests_before_the_offsets_topic_exists_answer_not_coordinator) {
    msg::heartbeat_request hb;
    hb.group_id = "g";
    hb.member_id = "m";
    hb.generation_id = 1;
    EXPECT_EQ(call<msg::heartbeat_response>(hb, 4).error_code, error_code::not_coordinator);
}

TEST_F(group_handlers, join_sync_commit_fetch_and_a_restart_replays_the_offsets) {
    msg::find_coordinator_request find;
    find.key = "billing";
    ASSERT_EQ(call<msg::find_coordinator_response>(find, 3).error_code, error_code::none);
    const std::string member = join_and_sync("billing", "assignment-bytes");

    auto c = commit("billing", member, 1, "orders", {{0, 42}, {2, 7}});
    ASSERT_EQ(c.topics.size(), 1u);
    for (const auto& p : c.topics[0].partitions) EXPECT_EQ(p.error_code, error_code::none);
    // A topic that does not exist is answered here, in request order.
    msg::offset_commit_request mixed;
    mixed.group_id = "billing";
    mixed.member_id = member;
    mixed.generation_id_or_member_epoch = 1;
    for (const char* name : {"nope", "orders"}) {
        auto& t = mixed.topics.emplace_back();
        t.name = name;
        auto& p = t.partitions.emplace_back();
        p.partition_index = model::partition_id{1};
        p.committed_offset = model::offset{5};
    }
    auto m = call<msg::offset_commit_response>(mixed, 8);
    ASSERT_EQ(m.topics.size(), 2u);
    EXPECT_EQ(m.topics[0].name, "nope");
    EXPECT_EQ(m.topics[0].partitions.at(0).error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(m.topics[1].name, "orders");
    EXPECT_EQ(m.topics[1].partitions.at(0).error_code, error_code::none);

    std::map<std::pair<std::string, int32_t>, int64_t> expected{
        {{"orders", 0}, 42}, {{"orders", 1}, 5}, {{"orders", 2}, 7}};
    EXPECT_EQ(committed("billing"), expected);

    // v7 (one group in the top-level fields), for named partitions.
    msg::offset_fetch_request v7;
    v7.group_id = "billing";
    auto& t = v7.topics->emplace_back();
    t.name = "orders";
    t.partition_indexes = {model::partition_id{0}, model::partition_id{1}};
    auto f7 = call<msg::offset_fetch_response>(v7, 7);
    EXPECT_EQ(f7.error_code, error_code::none);
    ASSERT_EQ(f7.topics.size(), 1u);
    ASSERT_EQ(f7.topics[0].partitions.size(), 2u);
    EXPECT_EQ(f7.topics[0].partitions[0].committed_offset, model::offset{42});
    EXPECT_EQ(f7.topics[0].partitions[0].metadata, std::optional<std::string>("meta-0"));

    msg::list_groups_request list;
    auto listed = call<msg::list_groups_response>(list, 5, 1);
    ASSERT_EQ(listed.groups.size(), 1u);
    EXPECT_EQ(listed.groups[0].group_id, "billing");
    EXPECT_EQ(listed.groups[0].group_state, "Stable");
    EXPECT_EQ(listed.groups[0].protocol_type, "consumer");

    msg::describe_groups_request describe;
    describe.groups = {"billing"};
    auto described = call<msg::describe_groups_response>(describe, 5);
    ASSERT_EQ(described.groups.size(), 1u);
    EXPECT_EQ(described.groups[0].group_state, "Stable");
    EXPECT_EQ(described.groups[0].protocol_data, "range");
    ASSERT_EQ(described.groups[0].members.size(), 1u);
    EXPECT_EQ(described.groups[0].members[0].client_id, "client-a");
    EXPECT_EQ(described.groups[0].members[0].client_host, "/127.0.0.1");

    // The commits are records in the group's partition of __consumer_offsets.
    const int32_t partition = coordinator::partition_for("billing", 4);
    auto records = shards.run_on(ctx.owner_of("__consumer_offsets", partition), [&] {
        return partitions[ctx.owner_of("__consumer_offsets", partition)]
            ->lookup("__consumer_offsets", partition)->log->log->log_end_offset().value();
    }).get();
    EXPECT_GE(records, 4); // group metadata + three commits at least

    // Restart: the same directory and metadata; the offsets come back from the log.
    stop_shards();
    start_shards();
    EXPECT_EQ(committed("billing"), expected);
}

TEST_F(group_handlers, delete_groups_refuses_a_group_with_members_and_deletes_an_empty_one) {
    msg::find_coordinator_request find;
    find.key = "g";
    ASSERT_EQ(call<msg::find_coordinator_response>(find, 3).error_code, error_code::none);
    const std::string member = join_and_sync("g", "x");
    ASSERT_EQ(commit("g", member, 1, "orders", {{1, 9}}).topics.at(0).partitions.at(0).error_code, error_code::none);
    msg::delete_groups_request del;
    del.groups_names = {"g", "never-was"};
    auto d = call<msg::delete_groups_response>(del, 2);
    ASSERT_EQ(d.results.size(), 2u);
    EXPECT_EQ(d.results[0].error_code, error_code::non_empty_group);
    EXPECT_EQ(d.results[1].error_code, error_code::group_id_not_found);

    msg::leave_group_request leave;
    leave.group_id = "g";
    auto& who = leave.members.emplace_back();
    who.member_id = member;
    auto left = call<msg::leave_group_response>(leave, 5);
    EXPECT_EQ(left.error_code, error_code::none);
    ASSERT_EQ(left.members.size(), 1u);
    EXPECT_EQ(left.members[0].error_code, error_code::none);

    del.groups_names = {"g"};
    EXPECT_EQ(call<msg::delete_groups_response>(del, 2).results.at(0).error_code, error_code::none);
    EXPECT_TRUE(committed("g").empty());
    // Gone after a restart too (tombstones).
    stop_shards();
    start_shards();
    EXPECT_TRUE(committed("g").empty());
    msg::list_groups_request list;
    EXPECT_TRUE(call<msg::list_groups_response>(list, 5).groups.empty());
}

TEST_F(group_handlers, txn_offset_commit_is_pending_until_its_marker_and_a_restart_replays_the_markers) {
    msg::find_coordinator_request find;
    find.key = "payments";
    ASSERT_EQ(call<msg::find_coordinator_response>(find, 3).error_code, error_code::none);
    const int32_t partition = coordinator::partition_for("payments", 4);

    // Unknown topics are answered here, in request order.
    auto c = txn_commit("payments", 4000, {{0, 100}, {1, 101}}, {"nope", "orders"});
    ASSERT_EQ(c.topics.size(), 2u);
    EXPECT_EQ(c.topics[0].name, "nope");
    EXPECT_EQ(c.topics[0].partitions.at(0).error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(c.topics[1].name, "orders");
    ASSERT_EQ(c.topics[1].partitions.size(), 2u);
    for (const auto& p : c.topics[1].partitions) EXPECT_EQ(p.error_code, error_code::none);

    // One transactional batch of the producer on disk (Kafka's coordinator: base sequence 0).
    auto batches = offsets_batches(partition);
    ASSERT_FALSE(batches.empty());
    protocol::record_batch_view last(byte_view(batches.back()));
    EXPECT_TRUE(last.is_transactional());
    EXPECT_FALSE(last.is_control());
    EXPECT_EQ(last.producer_id(), model::producer_id{4000});
    EXPECT_EQ(last.producer_epoch(), model::producer_epoch{5});
    EXPECT_EQ(last.base_sequence(), 0);
    EXPECT_EQ(last.last_offset_delta(), 1);

    // Pending: not committed, unstable for require_stable.
    EXPECT_TRUE(committed("payments").empty());
    using seen = std::vector<std::pair<int64_t, error_code>>;
    EXPECT_EQ(fetch_orders("payments", {0, 2}, false), (seen{{-1, error_code::none}, {-1, error_code::none}}));
    EXPECT_EQ(fetch_orders("payments", {0, 2}, true),
              (seen{{-1, error_code::unstable_offset_commit}, {-1, error_code::none}}));

    write_marker(partition, 4000, true);
    std::map<std::pair<std::string, int32_t>, int64_t> expected{{{"orders", 0}, 100}, {{"orders", 1}, 101}};
    EXPECT_EQ(committed("payments"), expected);
    EXPECT_EQ(fetch_orders("payments", {0}, true), (seen{{100, error_code::none}}));

    // An aborted transaction, one whose marker the coordinator learns only from the log, and
    // one still open.
    ASSERT_EQ(txn_commit("payments", 4001, {{2, 200}}).topics.at(0).partitions.at(0).error_code, error_code::none);
    write_marker(partition, 4001, false);
    ASSERT_EQ(txn_commit("payments", 4002, {{0, 300}}).topics.at(0).partitions.at(0).error_code, error_code::none);
    write_marker(partition, 4002, true, false);
    ASSERT_EQ(txn_commit("payments", 4003, {{2, 400}}).topics.at(0).partitions.at(0).error_code, error_code::none);
    EXPECT_EQ(committed("payments"), expected);

    // Restart: the same directory; the replay applies the markers.
    stop_shards();
    start_shards();
    expected[{"orders", 0}] = 300;
    EXPECT_EQ(committed("payments"), expected);
    EXPECT_EQ(fetch_orders("payments", {0, 1, 2}, true),
              (seen{{300, error_code::none}, {101, error_code::none}, {-1, error_code::unstable_offset_commit}}));
    write_marker(partition, 4003, true);
    expected[{"orders", 2}] = 400;
    EXPECT_EQ(committed("payments"), expected);
}

namespace kip848 {

// ConsumerGroupHeartbeat v0 for `member` of `group` over the wire.
msg::consumer_group_heartbeat_request consumer_heartbeat(const std::string& group, const std::string& member,
                                                         int32_t epoch) {
    msg::consumer_group_heartbeat_request req;
    req.group_id = group;
    req.member_id = member;
    req.member_epoch = epoch;
    if (epoch == 0) {
        req.rebalance_timeout_ms = 30'000;
        req.subscribed_topic_names = std::vector<std::string>{"events"};
        req.topic_partitions.emplace();
    }
    return req;
}

std::vector<int32_t> partitions_of(const msg::consumer_group_heartbeat_response& r) {
    std::vector<int32_t> out;
    if (r.assignment)
        for (const auto& t : r.assignment->topic_partitions)
            for (auto p : t.partitions) out.push_back(p.value());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace kip848

TEST_F(group_handlers, consumer_group_members_converge_over_the_wire_and_survive_a_restart) {
    create_topic("events", 4);
    const uuid events = store.current()->find("events")->id;
    msg::find_coordinator_request find;
    find.key = "kip848";
    ASSERT_EQ(call<msg::find_coordinator_response>(find, 3).error_code, error_code::none);

    // a joins: epoch 1, all four partitions; the broker makes up its member id.
    auto a = call<msg::consumer_group_heartbeat_response>(kip848::consumer_heartbeat("kip848", "", 0), 0);
    ASSERT_EQ(a.error_code, error_code::none);
    ASSERT_TRUE(a.member_id);
    const std::string a_id = *a.member_id;
    EXPECT_EQ(a.member_epoch, 1);
    EXPECT_EQ(a.heartbeat_interval_ms, 5'000);
    EXPECT_EQ(kip848::partitions_of(a), (std::vector<int32_t>{0, 1, 2, 3}));
    ASSERT_EQ(a.assignment->topic_partitions.at(0).topic_id, events);

    // b joins (through the other shard): epoch 2, nothing until a revokes.
    auto b = call<msg::consumer_group_heartbeat_response>(kip848::consumer_heartbeat("kip848", "", 0), 0, 1);
    ASSERT_EQ(b.error_code, error_code::none);
    const std::string b_id = *b.member_id;
    EXPECT_EQ(b.member_epoch, 2);
    EXPECT_EQ(kip848::partitions_of(b), std::vector<int32_t>{});

    auto owning = [&](const std::string& member, int32_t epoch, std::vector<int32_t> owned) {
        auto req = kip848::consumer_heartbeat("kip848", member, epoch);
        auto& tp = req.topic_partitions.emplace().emplace_back();
        tp.topic_id = events;
        for (int32_t p : owned) tp.partitions.push_back(model::partition_id{p});
        return call<msg::consumer_group_heartbeat_response>(req, 0);
    };
    auto a2 = owning(a_id, 1, {0, 1, 2, 3});
    EXPECT_EQ(a2.member_epoch, 1);
    EXPECT_EQ(kip848::partitions_of(a2), (std::vector<int32_t>{0, 1}));
    auto a3 = owning(a_id, 1, {0, 1});
    EXPECT_EQ(a3.member_epoch, 2);
    auto b2 = owning(b_id, 2, {});
    EXPECT_EQ(b2.member_epoch, 2);
    EXPECT_EQ(kip848::partitions_of(b2), (std::vector<int32_t>{2, 3}));

    auto describe = [&] {
        msg::consumer_group_describe_request req;
        req.group_ids = {"kip848", "billing-none"};
        req.include_authorized_operations = true;
        return call<msg::consumer_group_describe_response>(req, 0, 1);
    };
    auto check_described = [&](const msg::consumer_group_describe_response& d) {
        ASSERT_EQ(d.groups.size(), 2u);
        const auto& g = d.groups[0];
        EXPECT_EQ(g.error_code, error_code::none);
        EXPECT_EQ(g.group_state, "Stable");
        EXPECT_EQ(g.group_epoch, 2);
        EXPECT_EQ(g.assignment_epoch, 2);
        EXPECT_EQ(g.assignor_name, "uniform");
        EXPECT_EQ(g.authorized_operations, (1 << 3) | (1 << 6) | (1 << 8));
        ASSERT_EQ(g.members.size(), 2u);
        for (const auto& m : g.members) {
            EXPECT_EQ(m.client_id, "client-a");
            EXPECT_EQ(m.client_host, "/127.0.0.1");
            EXPECT_EQ(m.member_epoch, 2);
            ASSERT_EQ(m.assignment.topic_partitions.size(), 1u);
            EXPECT_EQ(m.assignment.topic_partitions[0].topic_name, "events");
            std::vector<model::partition_id> expected;
            for (int32_t p : m.member_id == a_id ? std::vector<int32_t>{0, 1} : std::vector<int32_t>{2, 3})
                expected.push_back(model::partition_id{p});
            EXPECT_EQ(m.assignment.topic_partitions[0].partitions, expected);
            EXPECT_EQ(m.target_assignment, m.assignment);
        }
        EXPECT_EQ(d.groups[1].error_code, error_code::group_id_not_found);
    };
    check_described(describe());

    msg::list_groups_request list;
    list.types_filter = {"consumer"};
    auto listed = call<msg::list_groups_response>(list, 5, 1);
    ASSERT_EQ(listed.groups.size(), 1u);
    EXPECT_EQ(listed.groups[0].group_id, "kip848");
    EXPECT_EQ(listed.groups[0].group_type, "consumer");
    EXPECT_EQ(listed.groups[0].protocol_type, "consumer");
    EXPECT_EQ(listed.groups[0].group_state, "Stable");

    // Offsets with the member epoch (OffsetCommit v9).
    auto c = commit("kip848", a_id, 2, "events", {{0, 11}});
    EXPECT_EQ(c.topics.at(0).partitions.at(0).error_code, error_code::none);
    EXPECT_EQ(commit("kip848", a_id, 1, "events", {{0, 12}}).topics.at(0).partitions.at(0).error_code,
              error_code::stale_member_epoch);

    // A classic JoinGroup to it is refused.
    msg::join_group_request join;
    join.group_id = "kip848";
    join.session_timeout_ms = 10'000;
    join.rebalance_timeout_ms = 10'000;
    join.protocol_type = "consumer";
    join.protocols.emplace_back().name = "range";
    EXPECT_EQ(call<msg::join_group_response>(join, 9).error_code, error_code::inconsistent_group_protocol);

    // A restart replays the group.
    stop_shards();
    start_shards();
    check_described(describe());
    EXPECT_EQ(owning(b_id, 2, {2, 3}).error_code, error_code::none);
    EXPECT_EQ((committed("kip848")), (std::map<std::pair<std::string, int32_t>, int64_t>{{{"events", 0}, 11}}));
}

TEST_F(group_handlers, lag_is_the_high_watermark_minus_the_committed_offset) {
    msg::find_coordinator_request find;
    find.key = "lagging";
    ASSERT_EQ(call<msg::find_coordinator_response>(find, 3).error_code, error_code::none);
    // A standalone consumer's commits (no generation, no member).
    auto c = commit("lagging", "", -1, "orders", {{0, 3}, {2, 0}});
    for (const auto& p : c.topics.at(0).partitions) ASSERT_EQ(p.error_code, error_code::none);
    for (auto [index, count] : std::vector<std::pair<int32_t, int>>{{0, 10}, {2, 4}}) {
        const net::shard_id owner = ctx.owner_of("orders", index);
        shards.run_on(owner, [&, owner, index, count] {
            protocol::record_batch_builder b(protocol::batch_builder_options{});
            const std::string value = "v";
            for (int i = 0; i < count; ++i) {
                protocol::record_input r;
                r.value = byte_view(reinterpret_cast<const uint8_t*>(value.data()), value.size());
                b.append(r);
            }
            byte_buffer batch = b.build().bytes;
            partition* p = partitions[owner]->find("orders", index);
            ASSERT_NE(p, nullptr);
            ASSERT_TRUE(p->log->log->append(std::span<uint8_t>(batch.data(), batch.size()), model::leader_epoch{0}));
        }).get();
    }
    auto lag = [&](std::string group) {
        return shards.run_on(1, [&, group]() -> asio::awaitable<std::vector<partition_lag>> {
            co_return co_await group_lag(ctx, group);
        }).get();
    };
    EXPECT_EQ(lag("lagging"), (std::vector<partition_lag>{{"orders", 0, 3, 10, 7}, {"orders", 2, 0, 4, 4}}));
    EXPECT_TRUE(lag("no-commits").empty());
}

} // namespace
} // namespace sluice::server
