// Framing, ordering, limits and back-pressure of the Kafka listener over real loopback sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "net/completion.h"
#include "net/tcp_server.h"
#include "net/tests/test_client.h"

namespace sluice::net {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::test_client;

// A scripted handler. The first byte of a frame says what to do:
//   'e' echo the frame; 'd' echo after (second byte x 10) ms; 'h' hold until release_all();
//   'c' close the connection; 'n' no response; 's' answer with the shard id.
class scripted_handler : public request_handler {
public:
    explicit scripted_handler(std::atomic<int>& handled) : _handled(handled) {}

    asio::awaitable<response> handle(byte_buffer frame, connection_info& info) override {
        ++_handled;
        char command = frame.empty() ? 'e' : static_cast<char>(frame[0]);
        auto executor = co_await asio::this_coro::executor;
        if (command == 'd' || command == 'h') {
            asio::steady_timer timer(executor);
            if (command == 'd') {
                timer.expires_after(std::chrono::milliseconds(10 * (frame.size() > 1 ? frame[1] - '0' : 0)));
            } else {
                timer.expires_at(asio::steady_timer::time_point::max());
                _held.push_back(&timer);
            }
            co_await timer.async_wait(use_tuple);
        }
        if (command == 'c') co_return response::close();
        if (command == 'n') co_return response::none();
        if (command == 's') {
            std::string s = std::to_string(info.shard);
            co_return response::send(byte_buffer(s.begin(), s.end()));
        }
        co_return response::send(std::move(frame));
    }

    void release_all() {
        for (auto* t : _held) t->cancel();
        _held.clear();
    }

private:
    std::atomic<int>& _handled;
    std::vector<asio::steady_timer*> _held;
};

class listener_test : public ::testing::Test {
protected:
    void start(listener_config config, uint32_t shard_count = 1) {
        config.host = "127.0.0.1";
        config.port = 0;
        config.drain_timeout = 2s;
        shards = std::make_unique<smp>(shard_count);
        server = std::make_unique<tcp_server>(*shards, config, [this](shard_id) {
            auto h = std::make_unique<scripted_handler>(handled);
            handlers.push_back(h.get());
            return h;
        });
        server->listen();
        shards->start();
        server->start();
    }
    void TearDown() override {
        if (server) server->stop();
        if (shards) shards->stop();
        server.reset();
        shards.reset();
    }
    void release_held() {
        for (shard_id s = 0; s < shards->count(); ++s) {
            scripted_handler* h = handlers[s];
            shards->run_on(s, [h] { h->release_all(); }).get();
        }
    }
    uint16_t port() const { return server->port(); }

    std::atomic<int> handled{0};
    std::vector<scripted_handler*> handlers;
    std::unique_ptr<smp> shards;
    std::unique_ptr<tcp_server> server;
};

TEST_F(listener_test, echoes_a_frame) {
    start({});
    test_client c(port());
    ASSERT_TRUE(c.connected());
    c.send_frame("ehello");
    EXPECT_EQ(c.read_frame(), "ehello");
    c.send_frame(""); // an empty frame is a frame
    EXPECT_EQ(c.read_frame(), "");
}

TEST_F(listener_test, pipelined_responses_come_back_in_request_order) {
    start({});
    test_client c(port());
    // The first finishes last, the last first.
    for (std::string_view f : {"d9first", "d4second", "d0third", "efourth", "nskipped", "efifth"}) c.send_frame(f);
    EXPECT_EQ(c.read_frame(), "d9first");
    EXPECT_EQ(c.read_frame(), "d4second");
    EXPECT_EQ(c.read_frame(), "d0third");
    EXPECT_EQ(c.read_frame(), "efourth");
    EXPECT_EQ(c.read_frame(), "efifth"); // 'n' answered nothing and kept its place
}

TEST_F(listener_test, handler_close_closes_after_earlier_responses) {
    start({});
    test_client c(port());
    c.send_frame("d5one");
    c.send_frame("cbye");
    c.send_frame("enever");
    EXPECT_EQ(c.read_frame(), "d5one");
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(listener_test, oversized_and_negative_size_prefixes_close_the_connection) {
    listener_config config;
    config.max_request_bytes = 1024;
    start(config);
    test_client big(port());
    big.send_raw(std::string("\x7f\xff\xff\xff", 4)); // 2 GiB
    EXPECT_TRUE(big.closed_by_server());
    test_client just_over(port());
    just_over.send_raw(std::string("\x00\x00\x04\x01", 4)); // 1025
    EXPECT_TRUE(just_over.closed_by_server());
    test_client negative(port());
    negative.send_raw(std::string("\xff\xff\xff\xfe", 4));
    EXPECT_TRUE(negative.closed_by_server());
    // At the limit is fine.
    test_client at_limit(port());
    at_limit.send_frame("e" + std::string(1023, 'x'));
    auto answer = at_limit.read_frame();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->size(), 1024u);
    EXPECT_EQ(server->stats().oversized_frames, 3u);
}

TEST_F(listener_test, garbage_closes_and_others_keep_working) {
    start({});
    test_client garbage(port());
    garbage.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"); // "GET " = a 1.1 GB size prefix
    EXPECT_TRUE(garbage.closed_by_server());
    test_client good(port());
    good.send_frame("estill here");
    EXPECT_EQ(good.read_frame(), "estill here");
}

TEST_F(listener_test, truncated_frame_then_disconnect_leaves_the_server_healthy) {
    listener_config config;
    config.shard_memory_bytes = 1000;
    start(config);
    {
        test_client truncated(port());
        truncated.send_raw(std::string("\x00\x00\x01\x00", 4) + "half a frame");
    }
    // Its budget came back: a frame needing most of the budget still gets through.
    test_client good(port());
    good.send_frame("e" + std::string(900, 'y'));
    auto answer = good.read_frame();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->size(), 901u);
    EXPECT_TRUE(eventually([&] { return server->stats().open == 1; }));
}

TEST_F(listener_test, idle_connections_are_closed) {
    listener_config config;
    config.idle_timeout = 150ms;
    start(config);
    auto opened = std::chrono::steady_clock::now();
    test_client idle(port());
    test_client busy(port());
    busy.send_frame("d9slow"); // 90 ms in flight: not idle while busy
    EXPECT_EQ(busy.read_frame(), "d9slow");
    EXPECT_TRUE(idle.closed_by_server(3s));
    EXPECT_GE(std::chrono::steady_clock::now() - opened, 140ms);
    EXPECT_TRUE(busy.closed_by_server(3s));
    EXPECT_EQ(server->stats().idle_closed, 2u);
}

TEST_F(listener_test, connection_limits_refuse_by_closing) {
    listener_config config;
    config.max_connections_per_ip = 2;
    start(config);
    test_client a(port()), b(port());
    a.send_frame("ea");
    b.send_frame("eb");
    EXPECT_EQ(a.read_frame(), "ea");
    EXPECT_EQ(b.read_frame(), "eb");
    test_client third(port());
    EXPECT_TRUE(third.closed_by_server());
    a.close();
    EXPECT_TRUE(eventually([&] { return server->stats().open == 1; }));
    test_client again(port());
    again.send_frame("eagain");
    EXPECT_EQ(again.read_frame(), "eagain");
    EXPECT_EQ(server->stats().refused, 1u);
}

TEST_F(listener_test, max_connections_counts_every_shard) {
    listener_config config;
    config.max_connections = 3;
    start(config, 2);
    std::vector<std::unique_ptr<test_client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<test_client>(port()));
        clients.back()->send_frame("eok");
        EXPECT_EQ(clients.back()->read_frame(), "eok");
    }
    test_client fourth(port());
    EXPECT_TRUE(fourth.closed_by_server());
}

TEST_F(listener_test, reading_pauses_over_the_memory_budget) {
    listener_config config;
    config.shard_memory_bytes = 1000;
    start(config);
    test_client c(port());
    const std::string payload = "h" + std::string(399, 'p');
    c.send_frame(payload);
    c.send_frame(payload);
    c.send_frame(payload); // 1200 > 1000: not read until a response frees budget
    ASSERT_TRUE(eventually([&] { return handled == 2; }));
    ASSERT_TRUE(eventually([&] { return server->stats().budget_waits == 1; }));
    EXPECT_EQ(handled, 2);
    // A second connection on the same shard is paused too: the budget is per shard.
    test_client other(port());
    other.send_frame("eX");
    EXPECT_FALSE(other.read_frame(100ms).has_value());
    release_held();
    for (int i = 0; i < 2; ++i) EXPECT_EQ(c.read_frame(), payload);
    // Budget freed: the third request (and then the other connection's) are read.
    ASSERT_TRUE(eventually([&] { return handled >= 3; }));
    EXPECT_EQ(other.read_frame(), "eX");
    release_held();
    EXPECT_EQ(c.read_frame(), payload);
}

TEST_F(listener_test, connections_spread_over_shards_with_reuseport) {
    start({}, 2);
    std::set<std::string> seen;
    std::vector<std::unique_ptr<test_client>> clients;
    for (int i = 0; i < 32 && seen.size() < 2; ++i) {
        clients.push_back(std::make_unique<test_client>(port()));
        clients.back()->send_frame("s");
        auto answer = clients.back()->read_frame();
        ASSERT_TRUE(answer.has_value());
        seen.insert(*answer);
    }
    EXPECT_EQ(seen, (std::set<std::string>{"0", "1"}));
}

TEST_F(listener_test, stop_answers_in_flight_requests_then_closes) {
    start({});
    test_client c(port());
    c.send_frame("d9in flight");
    ASSERT_TRUE(eventually([&] { return handled == 1; }));
    server->stop();
    EXPECT_EQ(c.read_frame(), "d9in flight");
    EXPECT_TRUE(c.closed_by_server());
    test_client late(port());
    EXPECT_FALSE(late.connected() && late.read_frame(50ms).has_value());
}

} // namespace
} // namespace sluice::net
