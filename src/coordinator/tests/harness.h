#pragma once
// Test doubles for the coordinator: a manual clock with timers, an in-memory __consumer_offsets
// whose appends complete at once or on demand, and helpers that drive the group protocol.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/tests/manual_scheduler.h"
#include "coordinator/group_coordinator.h"
#include "protocol/generated/records_consumer_protocol.h"

namespace sluice::protocol {
inline void PrintTo(error_code e, std::ostream* os) { *os << name(e); }
} // namespace sluice::protocol

namespace sluice::coordinator::testing {

namespace msg = protocol::msg;
using protocol::error_code;

using manual_scheduler = sluice::testing::manual_scheduler;

class memory_log final : public offsets_log {
public:
    struct append_call {
        int32_t partition;
        std::vector<offsets_record> records;
        std::function<void(error_code)> done;
        int64_t producer_id = -1; // a transactional batch's producer
        int16_t producer_epoch = -1;
    };
    // What the partition holds, in order: a record (of a transactional batch when producer_id
    // is set) or, without a record, a transaction marker.
    struct entry {
        int32_t partition;
        int64_t producer_id;
        std::optional<offsets_record> record;
        bool commit = false;
    };
    bool complete_at_once = true;
    std::deque<append_call> pending;
    std::vector<std::pair<int32_t, offsets_record>> durable; // in append order
    std::vector<entry> history;                              // durable records and markers

    void append(int32_t partition, std::vector<offsets_record> records, std::function<void(error_code)> done) override {
        pending.push_back({partition, std::move(records), std::move(done)});
        if (complete_at_once) complete(error_code::none);
    }
    void append_transactional(int32_t partition, model::producer_id producer_id, model::producer_epoch producer_epoch,
                              std::vector<offsets_record> records, std::function<void(error_code)> done) override {
        pending.push_back({partition, std::move(records), std::move(done), producer_id.value(), producer_epoch.value()});
        if (complete_at_once) complete(error_code::none);
    }
    // A COMMIT/ABORT marker written after everything durable so far.
    void marker(int32_t partition, int64_t producer_id, bool commit) {
        history.push_back({partition, producer_id, std::nullopt, commit});
    }
    // Completes the oldest pending append.
    void complete(error_code e = error_code::none) {
        ASSERT_FALSE(pending.empty());
        append_call a = std::move(pending.front());
        pending.pop_front();
        if (e == error_code::none) {
            for (auto& r : a.records) {
                history.push_back({a.partition, a.producer_id, r});
                durable.emplace_back(a.partition, std::move(r));
            }
        }
        a.done(e);
    }
};

// A callback's answer, once given (and given only once).
template <typename R>
struct answer {
    std::shared_ptr<std::optional<R>> value = std::make_shared<std::optional<R>>();
    std::shared_ptr<int> calls = std::make_shared<int>(0);
    callback<R> cb() const {
        return [v = value, c = calls](R r) {
            ++*c;
            *v = std::move(r);
        };
    }
    bool ready() const { return value->has_value(); }
    R& operator*() const { return **value; }
    R* operator->() const { return &**value; }
};

inline byte_buffer subscription(const std::vector<std::string>& topics) {
    msg::consumer_protocol_subscription s;
    s.topics = topics;
    byte_buffer out{0, 0}; // version 0
    auto body = s.encode(0);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

struct join_options {
    int16_t version = 9;
    std::string member_id;
    std::optional<std::string> instance_id;
    int32_t session_timeout_ms = 10'000;
    int32_t rebalance_timeout_ms = 30'000;
    std::string protocol_type = "consumer";
    std::vector<std::pair<std::string, byte_buffer>> protocols = {{"range", subscription({"t"})}};
    std::string client_id = "client";
};

struct coordinator_test : ::testing::Test {
    manual_scheduler clock;
    memory_log log;
    group_config config = [] {
        group_config c;
        c.offsets_topic_partitions = 1; // every group on partition 0
        c.initial_rebalance_delay_ms = 0;
        return c;
    }();
    std::unique_ptr<group_coordinator> coordinator;

    void SetUp() override { start(); }
    void start(bool load = true) {
        coordinator = std::make_unique<group_coordinator>(config, clock, log);
        if (load) {
            coordinator->begin_load(0);
            coordinator->complete_load(0);
        }
    }

    answer<msg::join_group_response> join(const std::string& group, join_options o) {
        msg::join_group_request r;
        r.group_id = group;
        r.member_id = o.member_id;
        r.group_instance_id = o.instance_id;
        r.session_timeout_ms = o.session_timeout_ms;
        r.rebalance_timeout_ms = o.rebalance_timeout_ms;
        r.protocol_type = o.protocol_type;
        for (auto& [name, md] : o.protocols) {
            auto& p = r.protocols.emplace_back();
            p.name = name;
            p.metadata = md;
        }
        answer<msg::join_group_response> a;
        coordinator->join_group(o.version, std::move(r), client_info{o.client_id, "/127.0.0.1"}, a.cb());
        clock.advance(0); // timers due now run, as the shard's event loop would run them next
        return a;
    }
    // KIP-394: the first JoinGroup of a dynamic member only gets its id.
    std::string member_id_for(const std::string& group, join_options o = {}) {
        auto a = join(group, o);
        EXPECT_TRUE(a.ready());
        EXPECT_EQ(a->error_code, error_code::member_id_required);
        return a->member_id;
    }
    answer<msg::sync_group_response> sync(const std::string& group, const std::string& member, int32_t generation,
                                          std::vector<std::pair<std::string, byte_buffer>> assignments = {},
                                          std::optional<std::string> instance_id = std::nullopt, int16_t version = 5) {
        msg::sync_group_request r;
        r.group_id = group;
        r.member_id = member;
        r.generation_id = generation;
        r.group_instance_id = instance_id;
        for (auto& [m, a] : assignments) {
            auto& e = r.assignments.emplace_back();
            e.member_id = m;
            e.assignment = a;
        }
        answer<msg::sync_group_response> s;
        coordinator->sync_group(version, std::move(r), s.cb());
        return s;
    }
    error_code heartbeat(const std::string& group, const std::string& member, int32_t generation,
                         std::optional<std::string> instance_id = std::nullopt) {
        msg::heartbeat_request r;
        r.group_id = group;
        r.member_id = member;
        r.generation_id = generation;
        r.group_instance_id = instance_id;
        answer<msg::heartbeat_response> a;
        coordinator->heartbeat(4, r, a.cb());
        return a->error_code;
    }
    msg::describe_groups_response::described_group describe(const std::string& group, int16_t version = 5) {
        answer<msg::describe_groups_response::described_group> a;
        coordinator->describe_group(version, group, a.cb());
        return *a;
    }
    std::string state(const std::string& group) { return describe(group).group_state; }

    // Two dynamic members a (leader) and b through join and sync: Stable at generation 1 with
    // assignments {1} and {2}. Needs an initial rebalance delay so that both make generation 1.
    std::pair<std::string, std::string> stable_pair(const std::string& group, join_options o = {}) {
        EXPECT_GT(config.initial_rebalance_delay_ms, 0);
        std::string a = member_id_for(group, o), b = member_id_for(group, o);
        o.member_id = a;
        join(group, o);
        o.member_id = b;
        join(group, o);
        clock.advance(std::max(1'000, 3 * config.initial_rebalance_delay_ms));
        sync(group, b, 1);
        sync(group, a, 1, {{a, {1}}, {b, {2}}});
        EXPECT_EQ(describe(group).group_state, "Stable");
        return {a, b};
    }
    // One dynamic member through join and sync: returns its member id (generation 1, Stable).
    std::string stable_single(const std::string& group, join_options o = {}) {
        std::string id = member_id_for(group, o);
        o.member_id = id;
        auto j = join(group, o);
        clock.advance(config.initial_rebalance_delay_ms); // a new group waits for more members
        EXPECT_TRUE(j.ready());
        auto s = sync(group, id, j->generation_id, {{id, byte_buffer{0xAA}}});
        EXPECT_TRUE(s.ready());
        EXPECT_EQ(s->error_code, error_code::none);
        return id;
    }
};

} // namespace sluice::coordinator::testing
