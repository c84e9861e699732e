// Requests the way a network delivers them: in pieces, cut short, or very large, while other
// clients keep being served. Raw Produce frames built with the generated messages.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "e2e/e2e_support.h"
#include "e2e/raw_requests.h"
#include "protocol/generated/api_000_produce.h"
#include "protocol/generated/api_001_fetch.h"
#include "protocol/generated/api_018_api_versions.h"
#include "protocol/generated/api_019_create_topics.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using net::testing::test_client;
namespace msg = protocol::msg;
using protocol::error_code;
using clock = std::chrono::steady_clock;

std::string size_prefixed(const std::string& payload) {
    const uint32_t n = static_cast<uint32_t>(payload.size());
    std::string frame = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                         static_cast<char>(n)};
    return frame + payload;
}

// The response to a Produce v9 frame already sent on `client`, decoded; nullopt without one.
std::optional<msg::produce_response> produce_answer(test_client& client, int32_t correlation_id,
                                                    std::chrono::milliseconds timeout = 30s) {
    auto answer = client.read_frame(timeout);
    if (!answer) return std::nullopt;
    protocol::reader r(as_bytes(*answer));
    msg::response_header header;
    header.read(r, 1);
    msg::produce_response resp;
    if (header.correlation_id != correlation_id || !resp.decode(byte_view(r.position(), r.remaining()), 9))
        return std::nullopt;
    return resp;
}

bool api_versions_answered(test_client& client) {
    msg::api_versions_request req;
    req.client_software_name = "sluice-e2e";
    req.client_software_version = "1.0";
    auto resp = round_trip<msg::api_versions_response>(client, req, 3, 10s);
    return resp && resp->error_code == error_code::none;
}

int64_t latest(uint16_t port, const std::string& topic, int32_t partition) {
    return list_offset(port, topic, partition, -1).offset;
}

using requests_e2e = broker_test;

TEST_F(requests_e2e, frames_in_pieces_are_answered_and_cut_frames_append_nothing) {
    start();
    const uint16_t port = broker->port();
    ASSERT_EQ(create_topic(port, "pieces", 1), error_code::none) << broker->log();
    const byte_buffer batch = make_batch(100, 100, 'p');
    const std::string frame = size_prefixed(produce_frame("pieces", {{0, batch}}, -1, 21));

    // Half a frame; while the rest is missing, another client is served.
    test_client slow(port);
    slow.send_raw(std::string_view(frame).substr(0, frame.size() / 2));
    {
        test_client other(port);
        ASSERT_TRUE(api_versions_answered(other));
        const byte_buffer one = make_batch(1, 10, 'o');
        other.send_raw(size_prefixed(produce_frame("pieces", {{0, one}}, -1, 22)));
        auto resp = produce_answer(other, 22);
        ASSERT_TRUE(resp.has_value());
        EXPECT_EQ(resp->responses[0].partition_responses[0].error_code, error_code::none);
        EXPECT_EQ(resp->responses[0].partition_responses[0].base_offset.value(), 0);
    }
    // The rest: all but the last 64 bytes at once, then those one by one.
    slow.send_raw(std::string_view(frame).substr(frame.size() / 2, frame.size() - frame.size() / 2 - 64));
    for (size_t at = frame.size() - 64; at < frame.size(); ++at) slow.send_raw(std::string_view(frame).substr(at, 1));
    auto resp = produce_answer(slow, 21);
    ASSERT_TRUE(resp.has_value()) << broker->log();
    EXPECT_EQ(resp->responses[0].partition_responses[0].error_code, error_code::none);
    EXPECT_EQ(resp->responses[0].partition_responses[0].base_offset.value(), 1);
    EXPECT_EQ(latest(port, "pieces", 0), 101);

    // A client that goes away in the middle of a frame: nothing of it is appended.
    {
        test_client quitter(port);
        quitter.send_raw(std::string_view(frame).substr(0, frame.size() - 10));
    }
    // A whole frame whose body ends inside the records (their length says more): not a
    // request, the connection is closed, nothing appended.
    {
        std::string payload = produce_frame("pieces", {{0, batch}}, -1, 23);
        payload.resize(payload.size() - 500);
        test_client cut(port);
        cut.send_raw(size_prefixed(payload));
        EXPECT_TRUE(cut.closed_by_server(10s));
    }
    // A well-formed request carrying half a batch: that partition's error, nothing appended,
    // and the connection stays usable.
    {
        const byte_buffer half(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2));
        test_client partial(port);
        partial.send_raw(size_prefixed(produce_frame("pieces", {{0, half}}, -1, 24)));
        auto answer = produce_answer(partial, 24);
        ASSERT_TRUE(answer.has_value());
        const auto& p = answer->responses[0].partition_responses[0];
        EXPECT_EQ(p.error_code, error_code::corrupt_message) << protocol::name(p.error_code);
        EXPECT_EQ(p.base_offset.value(), -1);
        EXPECT_TRUE(api_versions_answered(partial));
    }
    EXPECT_EQ(latest(port, "pieces", 0), 101);
    EXPECT_EQ(list_offset(port, "pieces", 0, -2).offset, 0);
}

TEST_F(requests_e2e, a_huge_request_does_not_stall_other_clients) {
    // Three 16 MiB batches in one 48 MiB Produce request: under socket.request.max.bytes
    // (100 MiB) once max.message.bytes allows such batches.
    start({"--set", "message.max.bytes=17000000"});
    const uint16_t port = broker->port();
    ASSERT_EQ(create_topic(port, "huge", 3), error_code::none) << broker->log();
    ASSERT_EQ(create_topic(port, "small", 1), error_code::none) << broker->log();
    const byte_buffer big = make_batch(16, 1 << 20, 'h');
    const std::string frame = size_prefixed(produce_frame("huge", {{0, big}, {1, big}, {2, big}}, -1, 31));
    ASSERT_GT(frame.size(), 48u << 20);

    // Others keep asking (ApiVersions, a small Produce) on a few connections (both shards)
    // for as long as the huge request is under way; the slowest answer is measured.
    std::atomic<bool> huge_done{false};
    std::atomic<int64_t> slowest_ms{0};
    std::atomic<int> answered{0}, failed{0};
    std::thread others([&] {
        std::vector<std::unique_ptr<test_client>> clients;
        for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<test_client>(port));
        const byte_buffer one = make_batch(1, 10, 's');
        int32_t id = 100;
        while (!huge_done.load()) {
            for (auto& c : clients) {
                const auto asked = clock::now();
                c->send_raw(size_prefixed(produce_frame("small", {{0, one}}, -1, ++id)));
                auto resp = produce_answer(*c, id, 20s);
                const bool ok = resp && resp->responses[0].partition_responses[0].error_code == error_code::none &&
                                api_versions_answered(*c);
                (ok ? answered : failed)++;
                const int64_t ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - asked).count();
                if (ms > slowest_ms.load()) slowest_ms = ms;
            }
        }
    });
    test_client sender(port);
    const auto sent_at = clock::now();
    sender.send_raw(frame);
    auto resp = produce_answer(sender, 31, 60s);
    huge_done = true;
    others.join();
    const auto huge_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - sent_at).count();

    ASSERT_TRUE(resp.has_value()) << broker->log();
    ASSERT_EQ(resp->responses[0].partition_responses.size(), 3u);
    for (const auto& p : resp->responses[0].partition_responses) {
        EXPECT_EQ(p.error_code, error_code::none) << "partition " << p.index.value() << ": " << protocol::name(p.error_code);
        EXPECT_EQ(p.base_offset.value(), 0);
        EXPECT_EQ(latest(port, "huge", p.index.value()), 16);
    }
    // A consumer gets the 16 MiB batches whole although they exceed its per-partition fetch
    // size (KIP-74: the first batch is returned whatever the limits).
    if (const std::string kcat = golden::find_program("kcat"); !kcat.empty()) {
        for (int p = 0; p < 3; ++p) {
            auto r = golden::run_process({kcat, "-b", broker->bootstrap(), "-C", "-t", "huge", "-p", std::to_string(p),
                                          "-o", "beginning", "-e", "-f", "%o %k %S\n"},
                                         "", 60s);
            ASSERT_TRUE(r.ok()) << r.describe();
            std::string expected;
            for (int i = 0; i < 16; ++i) expected += std::to_string(i) + " k" + std::to_string(i) + " 1048576\n";
            EXPECT_EQ(r.out, expected) << "partition " << p;
        }
    }
    EXPECT_EQ(failed.load(), 0);
    EXPECT_GT(answered.load(), 0);
    EXPECT_LT(slowest_ms.load(), 5000) << "a small request waited behind the huge one";
    RecordProperty("huge_request_ms", static_cast<int>(huge_ms));
    RecordProperty("slowest_other_ms", static_cast<int>(slowest_ms.load()));
    RecordProperty("others_answered", answered.load());
}

TEST_F(requests_e2e, absurd_values_get_errors_and_the_broker_keeps_serving) {
    start();
    const uint16_t port = broker->port();
    ASSERT_EQ(create_topic(port, "odd", 3), error_code::none) << broker->log();
    test_client client(port);

    // 2,000,000,000 partitions: refused by max.partitions (this once exhausted memory).
    msg::create_topics_request create;
    auto& topic = create.topics.emplace_back();
    topic.name = "absurd";
    topic.num_partitions = 2'000'000'000;
    topic.replication_factor = 1;
    auto created = round_trip<msg::create_topics_response>(client, create, 7);
    ASSERT_TRUE(created.has_value()) << broker->log();
    EXPECT_EQ(created->topics[0].error_code, error_code::invalid_partitions);

    // Produce v9 without records (null, and empty): INVALID_RECORD per partition.
    msg::produce_request produce;
    produce.acks = -1;
    produce.timeout_ms = 1000;
    auto& data = produce.topic_data.emplace_back();
    data.name = "odd";
    data.partition_data.emplace_back().index = model::partition_id{1};
    data.partition_data.back().records = std::nullopt;
    data.partition_data.emplace_back().index = model::partition_id{2};
    data.partition_data.back().records = protocol::records_view{};
    auto produced = round_trip<msg::produce_response>(client, produce, 9);
    ASSERT_TRUE(produced.has_value());
    for (const auto& p : produced->responses[0].partition_responses)
        EXPECT_EQ(p.error_code, error_code::invalid_record) << "partition " << p.index.value();

    // Fetch with negative limits still returns the first batch (KIP-74); a negative offset
    // and unknown partitions get their errors.
    const byte_buffer batch = make_batch(5, 10, 'x');
    client.send_frame(produce_frame("odd", {{0, batch}}, -1, 7));
    ASSERT_TRUE(produce_answer(client, 7).has_value());
    msg::fetch_request fetch;
    fetch.max_wait_ms = 0;
    fetch.max_bytes = -5;
    auto& t = fetch.topics.emplace_back();
    t.topic = "odd";
    for (const auto& [partition, offset] : std::vector<std::pair<int32_t, int64_t>>{{0, 0}, {1, -3}, {7, 0}, {-1, 0}}) {
        auto& p = t.partitions.emplace_back();
        p.partition = model::partition_id{partition};
        p.fetch_offset = model::offset{offset};
        p.partition_max_bytes = -1;
    }
    auto fetched = round_trip<msg::fetch_response>(client, fetch, 11);
    ASSERT_TRUE(fetched.has_value());
    const auto& parts = fetched->responses.at(0).partitions;
    ASSERT_EQ(parts.size(), 4u);
    EXPECT_EQ(parts[0].error_code, error_code::none);
    ASSERT_TRUE(parts[0].records.has_value());
    EXPECT_EQ(parts[0].records->size(), batch.size());
    EXPECT_EQ(parts[1].error_code, error_code::offset_out_of_range);
    EXPECT_EQ(parts[2].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(parts[3].error_code, error_code::unknown_topic_or_partition);
    EXPECT_TRUE(api_versions_answered(client));
}

TEST_F(requests_e2e, sigterm_answers_a_waiting_long_poll_at_once) {
    start();
    const uint16_t port = broker->port();
    ASSERT_EQ(create_topic(port, "quiet", 1), error_code::none) << broker->log();
    // A Fetch at the end of an empty partition that may wait 30 s (the broker's cap).
    msg::fetch_request req;
    req.max_wait_ms = 30000;
    req.min_bytes = 1;
    auto& t = req.topics.emplace_back();
    t.topic = "quiet";
    auto& p = t.partitions.emplace_back();
    p.partition = model::partition_id{0};
    p.fetch_offset = model::offset{0};
    p.partition_max_bytes = 1 << 20;
    test_client waiting(port);
    waiting.send_frame(request_frame(req, 11, 41));
    // Not answered within 300 ms: it waits.
    EXPECT_FALSE(waiting.read_frame(300ms).has_value());

    const auto stopping = clock::now();
    EXPECT_EQ(broker->stop(SIGTERM, 20s), 0) << broker->log();
    const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - stopping).count();
    EXPECT_LT(stop_ms, 10'000) << "shutdown waited for the long poll's deadline";
    // It was answered (empty, no error) before the connection closed.
    auto answer = waiting.read_frame(1s);
    ASSERT_TRUE(answer.has_value());
    protocol::reader r(as_bytes(*answer));
    msg::response_header header;
    header.read(r, 0);
    EXPECT_EQ(header.correlation_id, 41);
    msg::fetch_response resp;
    ASSERT_TRUE(resp.decode(byte_view(r.position(), r.remaining()), 11));
    ASSERT_EQ(resp.responses.size(), 1u);
    ASSERT_EQ(resp.responses[0].partitions.size(), 1u);
    EXPECT_EQ(resp.responses[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(resp.responses[0].partitions[0].high_watermark.value(), 0);
    RecordProperty("stop_ms", static_cast<int>(stop_ms));
}

} // namespace
} // namespace sluice::e2e
