// The transaction APIs through the dispatcher on real shards, a real log directory and a
// controller (over cluster::testing::local_metadata_log): FindCoordinator(TRANSACTION) creates
// __transaction_state, InitProducerId, AddPartitionsToTxn and a transactional Produce to two
// partitions, Fetch read_committed held at the last stable offset, EndTxn writing COMMIT/ABORT
// markers into both partitions, Describe/ListTransactions, and a restart of the shards
// replaying __transaction_state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "cluster/tests/local_metadata_log.h"
#include "cluster/topic_config_hooks.h"
#include "protocol/control_record.h"
#include "protocol/generated/all_messages.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"
#include "server/shard_partitions.h"
#include "server/tests/request_frames.h"
#include "server/tests/shards_fixture.h"
#include "server/txn_shard.h"
#include "storage/posix_file_system.h"

namespace sluice::server {
namespace {

namespace msg = protocol::msg;
using protocol::error_code;
using namespace std::chrono_literals;

constexpr int8_t read_committed = 1;

class txn_handlers : public testing::shards_fixture {
protected:
    txn_handlers() : shards_fixture("txns", {{"offsets.topic.num.partitions", "4"}, {"transaction.state.log.num.partitions", "5"}}) {}

    // The response body with sendfile parts read back from their files, as a client sees it.
    template <typename Response, typename Request>
    Response call(const Request& req, int16_t version, net::shard_id on = 0) {
        net::response r = shards.run_on(on, [&, on]() -> asio::awaitable<net::response> {
            co_return co_await dispatchers[on]->handle(testing::request_frame(req, version, 9, "client-a"), connection);
        }).get();
        EXPECT_EQ(r.what, net::response::action::send);
        byte_buffer bytes;
        size_t at = 0;
        for (const net::file_part& f : r.files) {
            bytes.insert(bytes.end(), r.bytes.begin() + static_cast<ptrdiff_t>(at), r.bytes.begin() + static_cast<ptrdiff_t>(f.position));
            at = f.position;
            byte_buffer chunk(f.length);
            EXPECT_EQ(::pread(f.fd, chunk.data(), chunk.size(), static_cast<off_t>(f.offset)), static_cast<ssize_t>(f.length));
            bytes.insert(bytes.end(), chunk.begin(), chunk.end());
        }
        bytes.insert(bytes.end(), r.bytes.begin() + static_cast<ptrdiff_t>(at), r.bytes.end());
        const protocol::api_info* api = protocol::find_api(Request::api_key);
        protocol::reader reader(bytes);
        msg::response_header h;
        h.read(reader, protocol::response_header_version(*api, version));
        Response resp;
        EXPECT_TRUE(resp.decode(byte_view(reader.position(), reader.remaining()), version));
        held.push_back(std::move(bytes)); // records views point into it
        return resp;
    }

    msg::find_coordinator_response find_transaction_coordinator(const std::string& id) {
        msg::find_coordinator_request req;
        req.key = id;
        req.key_type = 1;
        return call<msg::find_coordinator_response>(req, 3);
    }

    msg::init_producer_id_response init(const std::string& id, net::shard_id on = 0) {
        msg::init_producer_id_request req;
        req.transactional_id = id;
        req.transaction_timeout_ms = 60'000;
        return call<msg::init_producer_id_response>(req, 4, on);
    }

    msg::add_partitions_to_txn_response add_partitions(const std::string& id, model::producer_id pid,
                                                       model::producer_epoch epoch, const std::string& topic,
                                                       std::vector<int32_t> parts) {
        msg::add_partitions_to_txn_request req;
        req.v3_and_below_transactional_id = id;
        req.v3_and_below_producer_id = pid;
        req.v3_and_below_producer_epoch = epoch;
        auto& t = req.v3_and_below_topics.emplace_back();
        t.name = topic;
        for (int32_t p : parts) t.partitions.push_back(model::partition_id{p});
        return call<msg::add_partitions_to_txn_response>(req, 3);
    }

    // One transactional batch of `count` records of the producer, acks=all.
    msg::produce_response::partition_produce_response produce(const std::string& id, model::producer_id pid,
                                                              model::producer_epoch epoch, int32_t partition,
                                                              int32_t sequence, int count) {
        protocol::batch_builder_options o;
        o.producer_id = pid;
        o.producer_epoch = epoch;
        o.base_sequence = sequence;
        o.transactional = true;
        protocol::record_batch_builder b(o);
        std::vector<std::string> values;
        for (int i = 0; i < count; ++i) values.push_back("v" + std::to_string(sequence + i));
        for (const auto& v : values) {
            protocol::record_input in;
            in.timestamp_ms = clock.now_ms();
            in.value = byte_view(reinterpret_cast<const uint8_t*>(v.data()), v.size());
            b.append(in);
        }
        byte_buffer batch = b.build().bytes;
        msg::produce_request req;
        req.transactional_id = id;
        req.acks = -1;
        req.timeout_ms = 5000;
        auto& t = req.topic_data.emplace_back();
        t.name = "orders";
        auto& p = t.partition_data.emplace_back();
        p.index = model::partition_id{partition};
        p.records = protocol::records_view{batch};
        return call<msg::produce_response>(req, 9).responses.at(0).partition_responses.at(0);
    }

    msg::fetch_response::partition_data fetch(int32_t partition, int64_t offset, int8_t isolation) {
        msg::fetch_request req;
        req.max_wait_ms = 0;
        req.max_bytes = 1 << 20;
        req.session_epoch = -1;
        req.isolation_level = isolation;
        auto& t = req.topics.emplace_back();
        t.topic = "orders";
        auto& p = t.partitions.emplace_back();
        p.partition = model::partition_id{partition};
        p.fetch_offset = model::offset{offset};
        p.partition_max_bytes = 1 << 20;
        return call<msg::fetch_response>(req, 11).responses.at(0).partitions.at(0);
    }

    msg::end_txn_response end(const std::string& id, model::producer_id pid, model::producer_epoch epoch, bool commit) {
        msg::end_txn_request req;
        req.transactional_id = id;
        req.producer_id = pid;
        req.producer_epoch = epoch;
        req.committed = commit;
        return call<msg::end_txn_response>(req, 3);
    }

    msg::describe_transactions_response::transaction_state_t describe(const std::string& id) {
        msg::describe_transactions_request req;
        req.transactional_ids = {id};
        return call<msg::describe_transactions_response>(req, 0).transaction_states.at(0);
    }

    // EndTxn is answered before the markers: wait until the transaction completed.
    void wait_for_state(const std::string& id, const std::string& state) {
        for (int i = 0; i < 500 && describe(id).transaction_state != state; ++i) std::this_thread::sleep_for(10ms);
        ASSERT_EQ(describe(id).transaction_state, state);
    }

    // (is a control batch, commit?) of each batch in `records`, with record values.
    struct batch_summary {
        int64_t base_offset;
        bool control;
        bool commit; // control batches: COMMIT (else ABORT)
        std::vector<std::string> values;
    };
    std::vector<batch_summary> batches_of(const std::optional<protocol::records_view>& records) {
        std::vector<batch_summary> out;
        if (!records) return out;
        std::vector<protocol::record_batch_view> batches;
        protocol::split_batches(records->data, batches);
        for (const auto& b : batches) {
            batch_summary s{b.base_offset().value(), b.is_control(), false, {}};
            protocol::record_reader reader(b.records_bytes());
            protocol::record_view r;
            while (reader.next(r)) {
                if (b.is_control()) {
                    protocol::control_key key;
                    if (protocol::parse_control_key(r.key, key)) s.commit = key.type == protocol::control_record_type::commit;
                } else if (r.value) {
                    s.values.emplace_back(reinterpret_cast<const char*>(r.value->data()), r.value->size());
                }
            }
            out.push_back(std::move(s));
        }
        return out;
    }

    std::vector<byte_buffer> held;
};

TEST_F(txn_handlers, find_coordinator_creates_the_transaction_log) {
    EXPECT_EQ(init("tx-early").error_code, error_code::not_coordinator); // no __transaction_state yet
    auto found = find_transaction_coordinator("tx-1");
    EXPECT_EQ(found.error_code, error_code::none);
    EXPECT_EQ(found.node_id, model::node_id{1});
    EXPECT_EQ(found.host, "broker.example");
    EXPECT_EQ(found.port, 19092);
    const cluster::topic_image* t = store.current()->find("__transaction_state");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->partitions.size(), 5u);
    EXPECT_EQ(t->configs.at("cleanup.policy"), "compact");
    EXPECT_EQ(t->configs.at("segment.bytes"), "104857600");
    EXPECT_EQ(t->configs.at("min.insync.replicas"), "1");
    EXPECT_EQ(t->configs.at("compression.type"), "uncompressed");
    EXPECT_EQ(store.current()->find("__consumer_offsets"), nullptr); // each coordinator type its own topic

    msg::find_coordinator_request batch; // v4+: one entry per key
    batch.key_type = 1;
    batch.coordinator_keys = {"a", "b"};
    auto v4 = call<msg::find_coordinator_response>(batch, 4);
    ASSERT_EQ(v4.coordinators.size(), 2u);
    EXPECT_EQ(v4.coordinators[1].error_code, error_code::none);
}

TEST_F(txn_handlers, commit_and_abort_write_markers_into_every_partition) {
    ASSERT_EQ(find_transaction_coordinator("tx-1").error_code, error_code::none);
    auto id = init("tx-1", 1); // from either shard
    ASSERT_EQ(id.error_code, error_code::none);
    EXPECT_EQ(id.producer_epoch, model::producer_epoch{0});
    const model::producer_id pid = id.producer_id;
    const model::producer_epoch epoch = id.producer_epoch;

    // Unknown partitions are refused before the coordinator: nothing is added.
    auto unknown = add_partitions("tx-1", pid, epoch, "orders", {0, 7});
    ASSERT_EQ(unknown.results_by_topic_v3_and_below.size(), 1u);
    EXPECT_EQ(unknown.results_by_topic_v3_and_below[0].results_by_partition.at(0).partition_error_code,
              error_code::operation_not_attempted);
    EXPECT_EQ(unknown.results_by_topic_v3_and_below[0].results_by_partition.at(1).partition_error_code,
              error_code::unknown_topic_or_partition);

    auto added = add_partitions("tx-1", pid, epoch, "orders", {0, 1});
    ASSERT_EQ(added.results_by_topic_v3_and_below.size(), 1u);
    for (const auto& p : added.results_by_topic_v3_and_below[0].results_by_partition)
        EXPECT_EQ(p.partition_error_code, error_code::none);
    EXPECT_EQ(produce("tx-1", pid, epoch, 0, 0, 2).error_code, error_code::none);
    EXPECT_EQ(produce("tx-1", pid, epoch, 1, 0, 3).error_code, error_code::none);

    // Ongoing: read_committed sees nothing beyond the last stable offset.
    auto uncommitted = fetch(0, 0, read_committed);
    EXPECT_EQ(uncommitted.error_code, error_code::none);
    EXPECT_EQ(uncommitted.high_watermark, model::offset{2});
    EXPECT_EQ(uncommitted.last_stable_offset, model::offset{0});
    EXPECT_TRUE(batches_of(uncommitted.records).empty());
    EXPECT_EQ(batches_of(fetch(0, 0, 0).records).size(), 1u); // read_uncommitted does
    auto ongoing = describe("tx-1");
    EXPECT_EQ(ongoing.error_code, error_code::none);
    EXPECT_EQ(ongoing.transaction_state, "Ongoing");
    EXPECT_EQ(ongoing.producer_id, pid);
    EXPECT_EQ(ongoing.transaction_timeout_ms, 60'000);
    ASSERT_EQ(ongoing.topics.size(), 1u);
    EXPECT_EQ(ongoing.topics[0].topic, "orders");
    EXPECT_EQ(ongoing.topics[0].partitions, (std::vector<model::partition_id>{model::partition_id{0}, model::partition_id{1}}));
    msg::list_transactions_request list;
    auto listed = call<msg::list_transactions_response>(list, 1, 1);
    EXPECT_EQ(listed.error_code, error_code::none);
    ASSERT_EQ(listed.transaction_states.size(), 1u);
    EXPECT_EQ(listed.transaction_states[0].transactional_id, "tx-1");
    EXPECT_EQ(listed.transaction_states[0].producer_id, pid);
    EXPECT_EQ(listed.transaction_states[0].transaction_state, "Ongoing");

    EXPECT_EQ(end("tx-1", pid, epoch, true).error_code, error_code::none);
    wait_for_state("tx-1", "CompleteCommit");
    for (int32_t p : {0, 1}) {
        auto committed = fetch(p, 0, read_committed);
        const int64_t records = p == 0 ? 2 : 3;
        EXPECT_EQ(committed.high_watermark, model::offset{records + 1}); // data + the COMMIT marker
        EXPECT_EQ(committed.last_stable_offset, committed.high_watermark);
        EXPECT_TRUE(committed.aborted_transactions && committed.aborted_transactions->empty());
        auto batches = batches_of(committed.records);
        ASSERT_EQ(batches.size(), 2u);
        EXPECT_FALSE(batches[0].control);
        EXPECT_EQ(batches[0].values.size(), static_cast<size_t>(records));
        EXPECT_TRUE(batches[1].control);
        EXPECT_TRUE(batches[1].commit);
        EXPECT_EQ(batches[1].base_offset, records);
    }

    // The next transaction of the same producer is aborted.
    ASSERT_EQ(add_partitions("tx-1", pid, epoch, "orders", {0, 2}).results_by_topic_v3_and_below.at(0)
                  .results_by_partition.at(0).partition_error_code,
              error_code::none);
    EXPECT_EQ(produce("tx-1", pid, epoch, 0, 2, 1).error_code, error_code::none);
    EXPECT_EQ(produce("tx-1", pid, epoch, 2, 0, 1).error_code, error_code::none);
    EXPECT_EQ(end("tx-1", pid, epoch, false).error_code, error_code::none);
    wait_for_state("tx-1", "CompleteAbort");
    auto aborted = fetch(0, 3, read_committed);
    EXPECT_EQ(aborted.high_watermark, model::offset{5});
    EXPECT_EQ(aborted.last_stable_offset, model::offset{5});
    ASSERT_TRUE(aborted.aborted_transactions);
    ASSERT_EQ(aborted.aborted_transactions->size(), 1u);
    EXPECT_EQ((*aborted.aborted_transactions)[0].producer_id, pid);
    EXPECT_EQ((*aborted.aborted_transactions)[0].first_offset, model::offset{3});
    auto batches = batches_of(aborted.records);
    ASSERT_EQ(batches.size(), 2u);
    EXPECT_TRUE(batches[1].control);
    EXPECT_FALSE(batches[1].commit);
    auto other = fetch(2, 0, read_committed);
    EXPECT_EQ(other.last_stable_offset, model::offset{2});
    ASSERT_TRUE(other.aborted_transactions);
    EXPECT_EQ(other.aborted_transactions->size(), 1u);

    // A wrong epoch is fenced; the state stays.
    EXPECT_EQ(end("tx-1", pid, model::producer_epoch{7}, true).error_code, error_code::producer_fenced);
    msg::list_transactions_request by_state;
    by_state.state_filters = {"CompleteAbort", "Bogus"};
    auto filtered = call<msg::list_transactions_response>(by_state, 0);
    EXPECT_EQ(filtered.unknown_state_filters, std::vector<std::string>{"Bogus"});
    EXPECT_EQ(filtered.transaction_states.size(), 1u);
}

TEST_F(txn_handlers, offsets_in_a_transaction_count_after_the_commit_marker) {
    ASSERT_EQ(find_transaction_coordinator("tx-eos").error_code, error_code::none);
    msg::find_coordinator_request group;
    group.key = "eos";
    ASSERT_EQ(call<msg::find_coordinator_response>(group, 3).error_code, error_code::none);
    auto id = init("tx-eos");
    ASSERT_EQ(id.error_code, error_code::none);
    msg::add_offsets_to_txn_request add;
    add.transactional_id = "tx-eos";
    add.producer_id = id.producer_id;
    add.producer_epoch = id.producer_epoch;
    add.group_id = "eos";
    EXPECT_EQ(call<msg::add_offsets_to_txn_response>(add, 3).error_code, error_code::none);
    msg::txn_offset_commit_request commit;
    commit.transactional_id = "tx-eos";
    commit.group_id = "eos";
    commit.producer_id = id.producer_id;
    commit.producer_epoch = id.producer_epoch;
    auto& t = commit.topics.emplace_back();
    t.name = "orders";
    auto& p = t.partitions.emplace_back();
    p.partition_index = model::partition_id{1};
    p.committed_offset = model::offset{42};
    auto committed = call<msg::txn_offset_commit_response>(commit, 3);
    EXPECT_EQ(committed.topics.at(0).partitions.at(0).error_code, error_code::none);
    auto fetch_offset = [&] {
        msg::offset_fetch_request req;
        req.require_stable = true;
        auto& g = req.groups.emplace_back();
        g.group_id = "eos";
        auto& ft = g.topics->emplace_back();
        ft.name = "orders";
        ft.partition_indexes = {model::partition_id{1}};
        return call<msg::offset_fetch_response>(req, 8).groups.at(0).topics.at(0).partitions.at(0);
    };
    EXPECT_EQ(fetch_offset().error_code, error_code::unstable_offset_commit); // pending until the marker
    EXPECT_EQ(end("tx-eos", id.producer_id, id.producer_epoch, true).error_code, error_code::none);
    wait_for_state("tx-eos", "CompleteCommit");
    auto after = fetch_offset();
    EXPECT_EQ(after.error_code, error_code::none);
    EXPECT_EQ(after.committed_offset, model::offset{42});
}

TEST_F(txn_handlers, batched_add_partitions_routes_each_transaction) {
    ASSERT_EQ(find_transaction_coordinator("a").error_code, error_code::none);
    msg::add_partitions_to_txn_request req;
    std::vector<std::string> ids = {"tx-a", "tx-b", "tx-c", "tx-d"};
    for (const auto& tid : ids) {
        auto id = init(tid);
        ASSERT_EQ(id.error_code, error_code::none);
        auto& t = req.transactions.emplace_back();
        t.transactional_id = tid;
        t.producer_id = id.producer_id;
        t.producer_epoch = id.producer_epoch;
        auto& topic = t.topics.emplace_back();
        topic.name = tid == "tx-c" ? "missing" : "orders";
        topic.partitions = {model::partition_id{0}};
    }
    auto resp = call<msg::add_partitions_to_txn_response>(req, 4, 1);
    EXPECT_EQ(resp.error_code, error_code::none);
    ASSERT_EQ(resp.results_by_transaction.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(resp.results_by_transaction[i].transactional_id, ids[i]);
        EXPECT_EQ(resp.results_by_transaction[i].topic_results.at(0).results_by_partition.at(0).partition_error_code,
                  ids[i] == "tx-c" ? error_code::unknown_topic_or_partition : error_code::none);
    }
    EXPECT_EQ(describe("tx-a").transaction_state, "Ongoing");
    EXPECT_EQ(describe("tx-c").transaction_state, "Empty");
}

TEST_F(txn_handlers, a_restart_replays_the_transaction_log) {
    ASSERT_EQ(find_transaction_coordinator("tx-r").error_code, error_code::none);
    auto id = init("tx-r");
    ASSERT_EQ(id.error_code, error_code::none);
    ASSERT_EQ(add_partitions("tx-r", id.producer_id, id.producer_epoch, "orders", {1}).results_by_topic_v3_and_below
                  .at(0).results_by_partition.at(0).partition_error_code,
              error_code::none);
    EXPECT_EQ(produce("tx-r", id.producer_id, id.producer_epoch, 1, 0, 1).error_code, error_code::none);
    EXPECT_EQ(end("tx-r", id.producer_id, id.producer_epoch, true).error_code, error_code::none);
    wait_for_state("tx-r", "CompleteCommit");
    // A second id left Ongoing.
    auto other = init("tx-open");
    ASSERT_EQ(other.error_code, error_code::none);
    ASSERT_EQ(add_partitions("tx-open", other.producer_id, other.producer_epoch, "orders", {2})
                  .results_by_topic_v3_and_below.at(0).results_by_partition.at(0).partition_error_code,
              error_code::none);

    stop_shards();
    start_shards();

    auto replayed = describe("tx-r");
    EXPECT_EQ(replayed.error_code, error_code::none);
    EXPECT_EQ(replayed.transaction_state, "CompleteCommit");
    EXPECT_EQ(replayed.producer_id, id.producer_id);
    EXPECT_EQ(replayed.producer_epoch, id.producer_epoch);
    auto open_again = describe("tx-open");
    EXPECT_EQ(open_again.transaction_state, "Ongoing");
    ASSERT_EQ(open_again.topics.size(), 1u);
    EXPECT_EQ(open_again.topics[0].partitions, std::vector<model::partition_id>{model::partition_id{2}});
    // The producer comes back: same id, the epoch bumped.
    auto again = init("tx-r", 1);
    EXPECT_EQ(again.error_code, error_code::none);
    EXPECT_EQ(again.producer_id, id.producer_id);
    EXPECT_EQ(again.producer_epoch, model::producer_epoch{static_cast<int16_t>(id.producer_epoch.value() + 1)});
    auto read = fetch(1, 0, read_committed);
    EXPECT_EQ(read.last_stable_offset, model::offset{2});
}

} // namespace
} // namespace sluice::server
