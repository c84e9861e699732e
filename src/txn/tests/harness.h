#pragma once
// Test doubles for the transaction coordinator: a manual clock with timers, an in-memory
// __transaction_state whose appends complete at once or on demand (and may fail), a producer
// id source, and a marker writer that records requests and answers them at once or on demand.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/tests/manual_scheduler.h"
#include "txn/state_records.h"
#include "txn/transaction_coordinator.h"

namespace sluice::protocol {
inline void PrintTo(error_code e, std::ostream* os) { *os << name(e); }
} // namespace sluice::protocol

namespace sluice::txn::testing {

namespace msg = protocol::msg;
using protocol::error_code;

using manual_scheduler = sluice::testing::manual_scheduler;

class memory_state_log final : public state_log {
public:
    struct append_call {
        int32_t partition;
        std::vector<state_record> records;
        std::function<void(error_code)> done;
    };
    bool complete_at_once = true;
    std::deque<error_code> fail_next; // errors for the next appends, in order
    std::deque<append_call> pending;
    std::vector<std::pair<int32_t, state_record>> durable; // in append order

    void append(int32_t partition, std::vector<state_record> records, std::function<void(error_code)> done) override {
        pending.push_back({partition, std::move(records), std::move(done)});
        if (complete_at_once) {
            error_code e = error_code::none;
            if (!fail_next.empty()) {
                e = fail_next.front();
                fail_next.pop_front();
            }
            complete(e);
        }
    }
    void complete(error_code e = error_code::none) {
        ASSERT_FALSE(pending.empty());
        append_call a = std::move(pending.front());
        pending.pop_front();
        if (e == error_code::none)
            for (auto& r : a.records) durable.emplace_back(a.partition, std::move(r));
        a.done(e);
    }
    // The latest durable state of each id, decoded.
    std::optional<txn_values> last(const std::string& id) const {
        std::optional<txn_values> out;
        for (const auto& [p, r] : durable) {
            std::optional<byte_view> value;
            if (r.value) value = byte_view(*r.value);
            auto d = decode_transaction_record(r.key, value);
            if (d && d->transactional_id == id) out = d->values;
        }
        return out;
    }
};

class fake_ids final : public producer_id_source {
public:
    int64_t next = 1000;
    error_code error = error_code::none;
    int calls = 0;
    void next_producer_id(std::function<void(error_code, model::producer_id)> done) override {
        ++calls;
        if (error != error_code::none) return done(error, model::no_producer_id);
        done(error_code::none, model::producer_id{next++});
    }
};

class fake_markers final : public marker_writer {
public:
    struct call {
        marker_request request;
        std::function<void(std::vector<std::pair<topic_partition, error_code>>)> done;
    };
    bool answer_at_once = true;
    std::map<topic_partition, std::deque<error_code>> fail_next; // per partition, in order
    std::vector<marker_request> requests;
    std::deque<call> pending;

    void write_markers(marker_request request,
                       std::function<void(std::vector<std::pair<topic_partition, error_code>>)> done) override {
        requests.push_back(request);
        pending.push_back({std::move(request), std::move(done)});
        if (answer_at_once) answer();
    }
    void answer() {
        ASSERT_FALSE(pending.empty());
        call c = std::move(pending.front());
        pending.pop_front();
        std::vector<std::pair<topic_partition, error_code>> results;
        for (const auto& tp : c.request.partitions) {
            error_code e = error_code::none;
            auto it = fail_next.find(tp);
            if (it != fail_next.end() && !it->second.empty()) {
                e = it->second.front();
                it->second.pop_front();
            }
            results.emplace_back(tp, e);
        }
        c.done(std::move(results));
    }
};

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

struct txn_test : ::testing::Test {
    manual_scheduler clock;
    memory_state_log log;
    fake_ids ids;
    fake_markers markers;
    txn_config config = [] {
        txn_config c;
        c.state_partitions = 1; // every id on partition 0
        c.offsets_topic_partitions = 50;
        return c;
    }();
    std::unique_ptr<transaction_coordinator> coordinator;

    void SetUp() override { start(); }
    void start(bool load = true) {
        coordinator = std::make_unique<transaction_coordinator>(config, clock, log, ids, markers);
        if (load) {
            coordinator->begin_load(0, 7);
            coordinator->complete_load(0);
        }
    }
    // A new coordinator that replays everything durable so far.
    void restart() {
        coordinator.reset();
        coordinator = std::make_unique<transaction_coordinator>(config, clock, log, ids, markers);
        coordinator->begin_load(0, 8);
        for (const auto& [p, r] : log.durable) {
            std::optional<byte_view> value;
            if (r.value) value = byte_view(*r.value);
            coordinator->replay(0, r.key, value);
        }
        coordinator->complete_load(0);
    }

    msg::init_producer_id_response init(const std::string& id, int16_t version = 4, int32_t timeout_ms = 60'000,
                                        int64_t producer_id = -1, int16_t epoch = -1) {
        msg::init_producer_id_request r;
        r.transactional_id = id;
        r.transaction_timeout_ms = timeout_ms;
        r.producer_id = model::producer_id{producer_id};
        r.producer_epoch = model::producer_epoch{epoch};
        answer<msg::init_producer_id_response> a;
        coordinator->init_producer_id(version, r, a.cb());
        EXPECT_TRUE(a.ready());
        return a.ready() ? *a : msg::init_producer_id_response{.error_code = error_code::unknown_server_error};
    }
    answer<msg::add_partitions_to_txn_response> add_async(const std::string& id, const msg::init_producer_id_response& p,
                                                          std::vector<std::pair<std::string, std::vector<int32_t>>> topics,
                                                          int16_t version = 3) {
        msg::add_partitions_to_txn_request r;
        r.v3_and_below_transactional_id = id;
        r.v3_and_below_producer_id = p.producer_id;
        r.v3_and_below_producer_epoch = p.producer_epoch;
        for (auto& [t, parts] : topics) {
            msg::add_partitions_to_txn_request::add_partitions_to_txn_topic topic{.name = t};
            for (int32_t x : parts) topic.partitions.push_back(model::partition_id{x});
            r.v3_and_below_topics.push_back(topic);
        }
        answer<msg::add_partitions_to_txn_response> a;
        coordinator->add_partitions_to_txn(version, r, a.cb());
        return a;
    }
    // The (single) error of a v0-3 AddPartitionsToTxn.
    error_code add(const std::string& id, const msg::init_producer_id_response& p,
                   std::vector<std::pair<std::string, std::vector<int32_t>>> topics, int16_t version = 3) {
        auto a = add_async(id, p, std::move(topics), version);
        EXPECT_TRUE(a.ready());
        if (!a.ready()) return error_code::unknown_server_error;
        error_code e = a->results_by_topic_v3_and_below.at(0).results_by_partition.at(0).partition_error_code;
        for (const auto& t : a->results_by_topic_v3_and_below)
            for (const auto& pr : t.results_by_partition) EXPECT_EQ(pr.partition_error_code, e);
        return e;
    }
    answer<msg::end_txn_response> end_async(const std::string& id, const msg::init_producer_id_response& p, bool commit,
                                            int16_t version = 3) {
        msg::end_txn_request r;
        r.transactional_id = id;
        r.producer_id = p.producer_id;
        r.producer_epoch = p.producer_epoch;
        r.committed = commit;
        answer<msg::end_txn_response> a;
        coordinator->end_txn(version, r, a.cb());
        return a;
    }
    error_code end(const std::string& id, const msg::init_producer_id_response& p, bool commit, int16_t version = 3) {
        auto a = end_async(id, p, commit, version);
        EXPECT_TRUE(a.ready());
        return a.ready() ? a->error_code : error_code::unknown_server_error;
    }
    transaction_coordinator::described_transaction describe(const std::string& id) {
        answer<transaction_coordinator::described_transaction> a;
        coordinator->describe_transaction(id, a.cb());
        EXPECT_TRUE(a.ready());
        return *a;
    }
    std::string state(const std::string& id) { return describe(id).transaction_state; }
};

inline msg::init_producer_id_response pid(int64_t id, int16_t epoch) {
    msg::init_producer_id_response r;
    r.producer_id = model::producer_id{id};
    r.producer_epoch = model::producer_epoch{epoch};
    return r;
}

} // namespace sluice::txn::testing
