// The data-path handlers (Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch,
// DescribeLogDirs) driven through the dispatcher on real shards and a real log directory:
// the metadata image is written directly into the store, as the quorum would apply it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "cluster/metadata_records.h"
#include "protocol/generated/all_messages.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"
#include "server/shard_partitions.h"
#include "server/tests/request_frames.h"
#include "storage/posix_file_system.h"

namespace sluice::server {
namespace {

namespace msg = protocol::msg;
using protocol::error_code;
using namespace std::chrono_literals;

byte_buffer batch_of(int first, int count, protocol::compression_type codec = protocol::compression_type::none,
                     int64_t timestamp = -1) {
    protocol::batch_builder_options options;
    options.compression = codec;
    protocol::record_batch_builder b(options);
    std::vector<std::string> values;
    for (int i = 0; i < count; ++i) values.push_back("value-" + std::to_string(first + i));
    const int64_t now = timestamp >= 0 ? timestamp
                                       : std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 0; i < count; ++i) {
        protocol::record_input r;
        r.timestamp_ms = now + i;
        r.value = byte_view(reinterpret_cast<const uint8_t*>(values[i].data()), values[i].size());
        b.append(r);
    }
    return b.build().bytes;
}

// The record values of every batch in `records`, with their offsets.
std::vector<std::pair<int64_t, std::string>> values_of(byte_view records) {
    std::vector<std::pair<int64_t, std::string>> out;
    std::vector<protocol::record_batch_view> batches;
    EXPECT_EQ(protocol::split_batches(records, batches).error, protocol::batch_error::none);
    for (const auto& b : batches) {
        byte_buffer plain;
        byte_view section = b.records_bytes();
        if (b.compression() != protocol::compression_type::none) {
            auto d = protocol::decompress(b.compression(), section, 1 << 26);
            EXPECT_TRUE(d.ok());
            plain = std::move(d.bytes);
            section = plain;
        }
        protocol::record_reader reader(section);
        protocol::record_view r;
        while (reader.next(r))
            out.emplace_back(b.base_offset().value() + r.offset_delta,
                             std::string(reinterpret_cast<const char*>(r.value->data()), r.value->size()));
    }
    return out;
}

class data_path : public ::testing::Test {
protected:
    data_path() : shards(2) {
        dir = std::filesystem::temp_directory_path() / ("sluice-data-path-" + std::to_string(::getpid()) + "-" +
                                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        identity.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
        identity.advertised_host = "localhost";
        ctx.identity = &identity;
        ctx.shards = &shards;
        ctx.metadata = &store;
        ctx.settings.log_dir = dir.string();
        ctx.settings.max_fetch_wait_ms = 5000;
        for (net::shard_id s = 0; s < shards.count(); ++s) {
            partitions.push_back(std::make_unique<shard_partitions>(s, ctx, fs, clock,
                                                                    storage::log_dir_config_from(dir.string(), {})));
            ctx.partitions.push_back(partitions.back().get());
        }
        shards.start();
        for (net::shard_id s = 0; s < shards.count(); ++s)
            EXPECT_EQ(shards.run_on(s, [&, s] { return partitions[s]->open(false); }).get(), storage::storage_errc::none);
        create_topic("t", 3, 1);
        for (net::shard_id s = 0; s < shards.count(); ++s)
            dispatchers.push_back(std::make_unique<dispatcher>(ctx, handler_table::instance()));
    }
    ~data_path() override {
        for (net::shard_id s = 0; s < shards.count(); ++s) shards.run_on(s, [&, s] { (void)partitions[s]->shutdown(); }).get();
        shards.stop();
        std::filesystem::remove_all(dir);
    }

    void create_topic(const std::string& name, int partitions_count, uint8_t id, storage::properties configs = {}) {
        std::vector<cluster::metadata_record> records;
        msg::topic_record t;
        t.name = name;
        t.topic_id.bytes.fill(id);
        records.emplace_back(t);
        for (const auto& [k, v] : configs) {
            msg::config_record c;
            c.resource_type = cluster::config_resource_topic;
            c.resource_name = name;
            c.name = k;
            c.value = v;
            records.emplace_back(c);
        }
        for (int p = 0; p < partitions_count; ++p) {
            msg::partition_record r;
            r.topic_id = t.topic_id;
            r.partition_id = model::partition_id{p};
            r.replicas = {model::node_id{1}};
            r.isr = {model::node_id{1}};
            r.leader = model::node_id{1};
            r.leader_epoch = model::leader_epoch{0};
            r.partition_epoch = 0;
            records.emplace_back(r);
        }
        store.apply(++index, cluster::encode_entry(records));
    }

    template <typename Request>
    byte_buffer frame(const Request& req, int16_t version) {
        return testing::request_frame(req, version, 9, "test");
    }

    // The response body with sendfile parts read back from their files, as a client sees it.
    template <typename Response, typename Request>
    std::optional<Response> call(const Request& req, int16_t version, net::shard_id on = 0) {
        net::response r = shards.run_on(on, [&, on]() -> asio::awaitable<net::response> {
            co_return co_await dispatchers[on]->handle(frame(req, version), connection);
        }).get();
        if (r.what != net::response::action::send) return std::nullopt;
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

    msg::produce_response::partition_produce_response produce(const std::string& topic, int partition, const byte_buffer& batch,
                                                              int16_t acks = -1) {
        msg::produce_request req;
        req.acks = acks;
        req.timeout_ms = 5000;
        auto& t = req.topic_data.emplace_back();
        t.name = topic;
        auto& p = t.partition_data.emplace_back();
        p.index = model::partition_id{partition};
        p.records = protocol::records_view{batch};
        auto resp = call<msg::produce_response>(req, 9);
        EXPECT_TRUE(resp);
        return resp->responses.at(0).partition_responses.at(0);
    }

    msg::fetch_request fetch_request(const std::string& topic, int partition, int64_t offset, int32_t min_bytes = 0,
                                     int32_t max_wait = 0) {
        msg::fetch_request req;
        req.max_wait_ms = max_wait;
        req.min_bytes = min_bytes;
        req.max_bytes = 1 << 20;
        req.session_epoch = -1;
        auto& t = req.topics.emplace_back();
        t.topic = topic;
        auto& p = t.partitions.emplace_back();
        p.partition = model::partition_id{partition};
        p.fetch_offset = model::offset{offset};
        p.partition_max_bytes = 1 << 20;
        return req;
    }

    std::filesystem::path dir;
    net::smp shards;
    storage::posix_file_system fs;
    storage::system_clock clock;
    broker_identity identity;
    cluster::metadata_store store;
    uint64_t index = 0;
    broker_context ctx;
    std::vector<std::unique_ptr<shard_partitions>> partitions;
    std::vector<std::unique_ptr<dispatcher>> dispatchers;
    net::connection_info connection{1, 0, "127.0.0.1:5555", {}, {}};
    std::vector<byte_buffer> held;
};

TEST_F(data_path, produce_assigns_offsets_and_fetch_returns_the_batches_by_sendfile) {
    for (int partition = 0; partition < 3; ++partition) {
        auto a = produce("t", partition, batch_of(0, 5));
        EXPECT_EQ(a.error_code, error_code::none);
        EXPECT_EQ(a.base_offset.value(), 0);
        auto b = produce("t", partition, batch_of(5, 3), 1);
        EXPECT_EQ(b.error_code, error_code::none);
        EXPECT_EQ(b.base_offset.value(), 5);
        EXPECT_EQ(b.log_start_offset.value(), 0);
    }
    for (int partition = 0; partition < 3; ++partition) {
        auto resp = call<msg::fetch_response>(fetch_request("t", partition, 0), 12, 1);
        ASSERT_TRUE(resp);
        const auto& pd = resp->responses.at(0).partitions.at(0);
        EXPECT_EQ(pd.error_code, error_code::none);
        EXPECT_EQ(pd.high_watermark.value(), 8);
        auto values = values_of(pd.records->data);
        ASSERT_EQ(values.size(), 8u);
        for (int i = 0; i < 8; ++i) EXPECT_EQ(values[i], std::make_pair(int64_t{i}, "value-" + std::to_string(i)));
    }
    // From the middle of the second batch: whole batches, so from offset 5.
    auto resp = call<msg::fetch_response>(fetch_request("t", 1, 6), 12);
    auto values = values_of(resp->responses.at(0).partitions.at(0).records->data);
    ASSERT_FALSE(values.empty());
    EXPECT_EQ(values.front().first, 5);
}

TEST_F(data_path, produce_errors_are_kafkas) {
    EXPECT_EQ(produce("nope", 0, batch_of(0, 1)).error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(produce("t", 7, batch_of(0, 1)).error_code, error_code::unknown_topic_or_partition);
    byte_buffer corrupt = batch_of(0, 2);
    corrupt.back() ^= 0xff;
    EXPECT_EQ(produce("t", 0, corrupt).error_code, error_code::corrupt_message);
    byte_buffer two = batch_of(0, 1);
    byte_buffer second = batch_of(1, 1);
    two.insert(two.end(), second.begin(), second.end());
    EXPECT_EQ(produce("t", 0, two).error_code, error_code::invalid_record);
    EXPECT_EQ(produce("t", 0, batch_of(0, 1), 2).error_code, error_code::invalid_required_acks);
    auto old = produce("t", 0, batch_of(0, 1, protocol::compression_type::none, 1000));
    EXPECT_EQ(old.error_code, error_code::none); // message.timestamp.before.max.ms: unlimited by default
    auto future = produce("t", 0, batch_of(0, 1, protocol::compression_type::none, INT64_C(4102444800000)));
    EXPECT_EQ(future.error_code, error_code::invalid_timestamp); // year 2100 > now + 1 hour
    create_topic("small", 1, 2, {{"max.message.bytes", "200"}});
    auto big = produce("small", 0, batch_of(0, 50));
    EXPECT_EQ(big.error_code, error_code::message_too_large);
    // Nothing refused reached the log.
    auto offsets = produce("t", 0, batch_of(0, 1));
    EXPECT_EQ(offsets.base_offset.value(), 1);
}

TEST_F(data_path, acks_zero_gets_no_response) {
    msg::produce_request req;
    req.acks = 0;
    auto& t = req.topic_data.emplace_back();
    t.name = "t";
    auto& p = t.partition_data.emplace_back();
    byte_buffer batch = batch_of(0, 2);
    p.records = protocol::records_view{batch};
    EXPECT_FALSE((call<msg::produce_response>(req, 9)));
    EXPECT_EQ(produce("t", 0, batch_of(2, 1)).base_offset.value(), 2);
}

TEST_F(data_path, compression_type_of_the_topic_recompresses) {
    create_topic("z", 1, 3, {{"compression.type", "zstd"}});
    EXPECT_EQ(produce("z", 0, batch_of(0, 20, protocol::compression_type::gzip)).error_code, error_code::none);
    auto resp = call<msg::fetch_response>(fetch_request("z", 0, 0), 12);
    byte_view records = resp->responses.at(0).partitions.at(0).records->data;
    auto parsed = protocol::parse_batch(records);
    ASSERT_EQ(parsed.error, protocol::batch_error::none);
    EXPECT_EQ(parsed.batch.compression(), protocol::compression_type::zstd);
    EXPECT_EQ(parsed.batch.crc(), parsed.batch.compute_crc());
    auto values = values_of(records);
    ASSERT_EQ(values.size(), 20u);
    EXPECT_EQ(values[19].second, "value-19");
}

TEST_F(data_path, fetch_long_poll_is_woken_by_an_append_on_another_shard) {
    // Partition 0 and 1 may live on different shards than the fetching one; fetch on both.
    for (net::shard_id fetch_shard = 0; fetch_shard < 2; ++fetch_shard) {
        const int64_t end = fetch_shard == 0 ? 0 : 1;
        auto started = std::chrono::steady_clock::now();
        auto pending = std::async(std::launch::async, [&, fetch_shard, end] {
            return call<msg::fetch_response>(fetch_request("t", 2, end, 1, 4000), 12, fetch_shard);
        });
        std::this_thread::sleep_for(200ms);
        EXPECT_EQ(pending.wait_for(0ms), std::future_status::timeout); // waiting for data
        EXPECT_EQ(produce("t", 2, batch_of(0, 1)).error_code, error_code::none);
        auto resp = pending.get();
        auto waited = std::chrono::steady_clock::now() - started;
        EXPECT_LT(waited, 3s);
        auto values = values_of(resp->responses.at(0).partitions.at(0).records->data);
        ASSERT_EQ(values.size(), 1u);
        EXPECT_EQ(values[0].first, end);
    }
    // Nothing arrives: answered empty after max_wait.
    auto started = std::chrono::steady_clock::now();
    auto resp = call<msg::fetch_response>(fetch_request("t", 2, 2, 1, 300), 12);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
    EXPECT_TRUE(resp->responses.at(0).partitions.at(0).records->data.empty());
}

TEST_F(data_path, fetch_errors_and_limits) {
    produce("t", 0, batch_of(0, 10));
    auto out = call<msg::fetch_response>(fetch_request("t", 0, 11), 12);
    EXPECT_EQ(out->responses[0].partitions[0].error_code, error_code::offset_out_of_range);
    auto unknown = call<msg::fetch_response>(fetch_request("nope", 0, 0), 12);
    EXPECT_EQ(unknown->responses[0].partitions[0].error_code, error_code::unknown_topic_or_partition);
    // Topic ids (v13+): an unknown id is UNKNOWN_TOPIC_ID.
    auto by_id = fetch_request("", 0, 0);
    by_id.topics[0].topic_id.bytes.fill(1);
    auto ok = call<msg::fetch_response>(by_id, 13);
    EXPECT_EQ(ok->responses[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(values_of(ok->responses[0].partitions[0].records->data).size(), 10u);
    by_id.topics[0].topic_id.bytes.fill(77);
    auto bad = call<msg::fetch_response>(by_id, 13);
    EXPECT_EQ(bad->responses[0].partitions[0].error_code, error_code::unknown_topic_id);
}

TEST_F(data_path, incremental_fetch_session_sends_only_changes) {
    produce("t", 0, batch_of(0, 2));
    auto req = fetch_request("t", 0, 0);
    auto& p1 = req.topics[0].partitions.emplace_back();
    p1.partition = model::partition_id{1};
    p1.fetch_offset = model::offset{0};
    p1.partition_max_bytes = 1 << 20;
    req.session_id = 0;
    req.session_epoch = 0;
    auto full = call<msg::fetch_response>(req, 12);
    ASSERT_NE(full->session_id, 0);
    EXPECT_EQ(full->responses[0].partitions.size(), 2u);
    // Epoch 1: partition 0 moves to offset 2; nothing changed in partition 1.
    msg::fetch_request inc;
    inc.session_id = full->session_id;
    inc.session_epoch = 1;
    inc.max_bytes = 1 << 20;
    auto& t = inc.topics.emplace_back();
    t.topic = "t";
    auto& p = t.partitions.emplace_back();
    p.partition = model::partition_id{0};
    p.fetch_offset = model::offset{2};
    p.partition_max_bytes = 1 << 20;
    auto none = call<msg::fetch_response>(inc, 12);
    EXPECT_EQ(none->error_code, error_code::none);
    EXPECT_TRUE(none->responses.empty());
    produce("t", 1, batch_of(0, 1));
    inc.session_epoch = 2;
    inc.topics.clear();
    auto news = call<msg::fetch_response>(inc, 12);
    ASSERT_EQ(news->responses.size(), 1u);
    ASSERT_EQ(news->responses[0].partitions.size(), 1u);
    EXPECT_EQ(news->responses[0].partitions[0].partition_index.value(), 1);
    EXPECT_EQ(values_of(news->responses[0].partitions[0].records->data).size(), 1u);
    inc.session_epoch = 7;
    EXPECT_EQ(call<msg::fetch_response>(inc, 12)->error_code, error_code::invalid_fetch_session_epoch);
    inc.session_id = 12345;
    EXPECT_EQ(call<msg::fetch_response>(inc, 12)->error_code, error_code::fetch_session_id_not_found);
}

TEST_F(data_path, list_offsets_delete_records_and_leader_epochs) {
    produce("t", 0, batch_of(0, 5, protocol::compression_type::none, 1'000'000));
    produce("t", 0, batch_of(5, 5, protocol::compression_type::none, 2'000'000));
    auto list = [&](int64_t timestamp) {
        msg::list_offsets_request req;
        req.replica_id = model::node_id{-1};
        auto& t = req.topics.emplace_back();
        t.name = "t";
        auto& p = t.partitions.emplace_back();
        p.timestamp = timestamp;
        return call<msg::list_offsets_response>(req, 9)->topics.at(0).partitions.at(0);
    };
    EXPECT_EQ(list(-1).offset.value(), 10);
    EXPECT_EQ(list(-2).offset.value(), 0);
    EXPECT_EQ(list(2'000'002).offset.value(), 7);
    EXPECT_EQ(list(2'000'002).timestamp, 2'000'002);
    EXPECT_EQ(list(1'500'000).offset.value(), 5);
    EXPECT_EQ(list(9'000'000).offset.value(), -1);
    auto max = list(-3);
    EXPECT_EQ(max.offset.value(), 9);
    EXPECT_EQ(max.timestamp, 2'000'004);

    msg::delete_records_request del;
    auto& t = del.topics.emplace_back();
    t.name = "t";
    auto& p = t.partitions.emplace_back();
    p.offset = model::offset{4};
    auto deleted = call<msg::delete_records_response>(del, 2);
    EXPECT_EQ(deleted->topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(deleted->topics[0].partitions[0].low_watermark.value(), 4);
    EXPECT_EQ(list(-2).offset.value(), 4);
    auto below = call<msg::fetch_response>(fetch_request("t", 0, 3), 12);
    EXPECT_EQ(below->responses[0].partitions[0].error_code, error_code::offset_out_of_range);
    EXPECT_EQ(below->responses[0].partitions[0].log_start_offset.value(), 4);
    p.offset = model::offset{11};
    EXPECT_EQ(call<msg::delete_records_response>(del, 2)->topics[0].partitions[0].error_code, error_code::offset_out_of_range);

    msg::offset_for_leader_epoch_request ofle;
    auto& ot = ofle.topics.emplace_back();
    ot.topic = "t";
    auto& op = ot.partitions.emplace_back();
    op.leader_epoch = model::leader_epoch{0};
    auto epochs = call<msg::offset_for_leader_epoch_response>(ofle, 4);
    EXPECT_EQ(epochs->topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(epochs->topics[0].partitions[0].end_offset.value(), 10);
    op.current_leader_epoch = model::leader_epoch{3};
    EXPECT_EQ(call<msg::offset_for_leader_epoch_response>(ofle, 4)->topics[0].partitions[0].error_code,
              error_code::unknown_leader_epoch);
}

TEST_F(data_path, describe_log_dirs_reports_partition_sizes) {
    byte_buffer batch = batch_of(0, 3);
    produce("t", 1, batch);
    msg::describe_log_dirs_request req;
    req.topics.reset(); // all
    auto resp = call<msg::describe_log_dirs_response>(req, 4);
    ASSERT_EQ(resp->results.size(), 1u);
    const auto& d = resp->results[0];
    EXPECT_EQ(d.log_dir, std::filesystem::absolute(dir).lexically_normal().string());
    EXPECT_GT(d.total_bytes, 0);
    ASSERT_EQ(d.topics.size(), 1u);
    ASSERT_EQ(d.topics[0].partitions.size(), 3u);
    EXPECT_EQ(d.topics[0].partitions[1].partition_size, static_cast<int64_t>(batch.size()));
    EXPECT_EQ(d.topics[0].partitions[0].partition_size, 0);
}

TEST_F(data_path, deleted_topics_lose_their_logs) {
    produce("t", 0, batch_of(0, 3));
    ASSERT_TRUE(std::filesystem::exists(dir / "t-0"));
    msg::remove_topic_record rm;
    rm.topic_id.bytes.fill(1);
    store.apply(++index, cluster::encode_entry({rm}));
    for (net::shard_id s = 0; s < shards.count(); ++s)
        shards.run_on(s, [&, s] { partitions[s]->reconcile(store.current()); }).get();
    EXPECT_FALSE(std::filesystem::exists(dir / "t-0"));
    EXPECT_EQ(produce("t", 0, batch_of(0, 1)).error_code, error_code::unknown_topic_or_partition);
}

} // namespace
} // namespace sluice::server

namespace sluice::server {
namespace {

TEST_F(data_path, topic_config_changes_apply_to_open_logs) {
    create_topic("live", 1, 5);
    EXPECT_EQ(produce("live", 0, batch_of(0, 30)).error_code, error_code::none);
    msg::config_record c;
    c.resource_type = cluster::config_resource_topic;
    c.resource_name = "live";
    c.name = "segment.bytes";
    c.value = "200"; // every batch of 30 records is larger: a roll before each append
    msg::config_record m = c;
    m.name = "max.message.bytes";
    m.value = "100000";
    store.apply(++index, cluster::encode_entry({c, m}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(produce("live", 0, batch_of(30 * (i + 1), 30)).error_code, error_code::record_list_too_large);
    c.value = "700"; // one ~600-byte batch per segment
    store.apply(++index, cluster::encode_entry({c}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(produce("live", 0, batch_of(30 * (i + 1), 30)).error_code, error_code::none);
    const net::shard_id owner = ctx.owner_of("live", 0);
    size_t segments = shards.run_on(owner, [&] { return partitions[owner]->find("live", 0)->log->log->segment_count(); }).get();
    EXPECT_GE(segments, 3u);
}

} // namespace
} // namespace sluice::server
