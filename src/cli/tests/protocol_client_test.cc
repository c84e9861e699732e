// protocol_client: frames encoded and decoded with the generated messages, and a connection
// over a socketpair whose other end plays the broker (answers, stray answers, silence, a close).
#include "cli/protocol_client.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "cli/tests/fake_broker.h"
#include "protocol/generated/api_066_list_transactions.h"
#include "protocol/request_frame.h"

namespace sluice::cli {
namespace {

namespace msg = protocol::msg;
using namespace std::chrono_literals;

msg::list_transactions_request sample_request() {
    msg::list_transactions_request request;
    request.state_filters = {"Ongoing"};
    request.producer_id_filters = {model::producer_id{7}};
    request.duration_filter = 5000;
    return request;
}

msg::list_transactions_response sample_response() {
    msg::list_transactions_response response;
    auto& t = response.transaction_states.emplace_back();
    t.transactional_id = "t1";
    t.producer_id = model::producer_id{7};
    t.transaction_state = "Ongoing";
    return response;
}

// The payload (no size prefix) answering correlation id `id` with `response` at `version`.
template <typename Response>
byte_buffer payload_of(const Response& response, int16_t version, int32_t id) {
    msg::response_header header;
    header.correlation_id = id;
    byte_buffer out = header.encode(protocol::response_header_version(*protocol::find_api(Response::api_key), version));
    const byte_buffer body = response.encode(version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

TEST(protocol_client, api_names_in_kafka_spelling) {
    EXPECT_EQ(api_display_name(66), "ListTransactions");
    EXPECT_EQ(api_display_name(10), "FindCoordinator");
    EXPECT_EQ(api_display_name(3), "Metadata");
    EXPECT_EQ(api_display_name(-5), "API -5");
}

TEST(protocol_client, request_frames_carry_size_header_and_body) {
    const auto request = sample_request();
    for (const int16_t version : {int16_t{0}, int16_t{1}}) {
        const byte_buffer frame = encode_request(request, version, 42);
        ASSERT_GE(frame.size(), 4u);
        EXPECT_EQ(be::load<int32_t>(frame.data()), static_cast<int32_t>(frame.size() - 4));
        const auto parsed = protocol::parse_request_frame(byte_view(frame).subspan(4));
        ASSERT_EQ(parsed.error, protocol::frame_error::none);
        EXPECT_EQ(parsed.api_key, 66);
        EXPECT_EQ(parsed.api_version, version);
        EXPECT_EQ(parsed.correlation_id, 42);
        EXPECT_EQ(parsed.header.client_id, std::optional<std::string>("sluice-cli"));
        msg::list_transactions_request decoded;
        ASSERT_TRUE(decoded.decode(parsed.body, version));
        EXPECT_EQ(decoded.state_filters, request.state_filters);
        EXPECT_EQ(decoded.producer_id_filters, request.producer_id_filters);
        // v0 has no duration filter (KIP-994): it is not sent.
        EXPECT_EQ(decoded.duration_filter, version == 0 ? -1 : 5000);
    }
}

TEST(protocol_client, responses_are_checked_for_their_correlation_id_and_shape) {
    const auto payload = payload_of(sample_response(), 1, 9);
    auto decoded = decode_response<msg::list_transactions_response>(payload, 1, 9);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(*decoded, sample_response());

    auto stray = decode_response<msg::list_transactions_response>(payload, 1, 10);
    ASSERT_FALSE(stray);
    EXPECT_EQ(stray.error(), "answer carries correlation id 9, expected 10");

    const byte_buffer truncated(payload.begin(), payload.begin() + 2);
    auto short_header = decode_response<msg::list_transactions_response>(truncated, 1, 9);
    ASSERT_FALSE(short_header);
    EXPECT_EQ(short_header.error(), "truncated response header");

    const byte_buffer cut(payload.begin(), payload.end() - 3);
    auto malformed = decode_response<msg::list_transactions_response>(cut, 1, 9);
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error(), "malformed ListTransactions v1 response");
}

// A connection whose other end is `broker_end`, which `play` drives on its own thread.
class socket_pair_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, _fds), 0); }
    void TearDown() override {
        if (_broker.joinable()) _broker.join();
        if (_fds[1] >= 0) ::close(_fds[1]);
    }

    broker_connection client() { return broker_connection(_fds[0], "pair:1"); }

    template <typename F>
    void play(F f) {
        _broker = std::thread([this, f] { f(_fds[1]); });
    }

    // Reads one request frame from the client: its correlation id (-1 when the client closed).
    static int32_t read_request(int fd) {
        uint8_t size[4];
        if (::recv(fd, size, 4, MSG_WAITALL) != 4) return -1;
        byte_buffer frame(static_cast<size_t>(be::load<int32_t>(size)));
        if (::recv(fd, frame.data(), frame.size(), MSG_WAITALL) != static_cast<ssize_t>(frame.size())) return -1;
        return protocol::parse_request_frame(frame).correlation_id;
    }

    static void write_frame(int fd, const byte_buffer& payload) {
        byte_buffer out(4);
        be::store<int32_t>(out.data(), static_cast<int32_t>(payload.size()));
        out.insert(out.end(), payload.begin(), payload.end());
        ASSERT_EQ(::send(fd, out.data(), out.size(), MSG_NOSIGNAL), static_cast<ssize_t>(out.size()));
    }

    int _fds[2] = {-1, -1};
    std::thread _broker;
};

TEST_F(socket_pair_test, a_request_and_its_answer) {
    play([](int fd) {
        for (int i = 0; i < 2; ++i) {
            const int32_t id = read_request(fd);
            write_frame(fd, payload_of(sample_response(), 1, id));
        }
    });
    auto connection = client();
    for (int i = 0; i < 2; ++i) {
        auto response = connection.call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
        ASSERT_TRUE(response) << response.error();
        EXPECT_EQ(*response, sample_response());
    }
    EXPECT_TRUE(connection.is_open());
}

TEST_F(socket_pair_test, a_stray_answer_closes_the_connection) {
    play([](int fd) { write_frame(fd, payload_of(sample_response(), 1, read_request(fd) + 1)); });
    auto connection = client();
    auto response = connection.call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error(), "pair:1: answer carries correlation id 2, expected 1");
    EXPECT_FALSE(connection.is_open());
    auto again = connection.call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), "pair:1: connection closed after an earlier failure");
}

TEST_F(socket_pair_test, no_answer_before_the_deadline) {
    play([](int fd) { read_request(fd); });
    auto connection = client();
    const auto start = protocol_clock::now();
    auto response = connection.call<msg::list_transactions_response>(sample_request(), 1, start + 200ms);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error(), "pair:1: waiting for the ListTransactions response: timed out");
    EXPECT_GE(protocol_clock::now() - start, 200ms);
    EXPECT_FALSE(connection.is_open());
}

TEST_F(socket_pair_test, the_broker_closes_mid_answer) {
    play([](int fd) {
        read_request(fd);
        const uint8_t partial[6] = {0, 0, 0, 100, 0, 0}; // 100 bytes announced, 2 sent
        ASSERT_EQ(::send(fd, partial, sizeof partial, MSG_NOSIGNAL), 6);
        ::shutdown(fd, SHUT_WR);
    });
    auto connection = client();
    auto response = connection.call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error(), "pair:1: reading the ListTransactions response: connection closed by the broker");
    EXPECT_FALSE(connection.is_open());
}

TEST_F(socket_pair_test, an_answer_too_large_or_negative_is_refused_before_reading_it) {
    ::close(_fds[0]);
    ::close(_fds[1]);
    for (const int32_t size : {response_bytes_max + 1, -1, 2}) {
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, _fds), 0);
        play([size](int fd) {
            read_request(fd);
            uint8_t prefix[4];
            be::store<int32_t>(prefix, size);
            ASSERT_EQ(::send(fd, prefix, 4, MSG_NOSIGNAL), 4);
        });
        auto connection = client();
        auto response = connection.call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
        _broker.join();
        ::close(_fds[1]);
        _fds[1] = -1;
        ASSERT_FALSE(response);
        EXPECT_EQ(response.error(), "pair:1: ListTransactions response of " + std::to_string(size) +
                                        " bytes (at most 100000000)");
        EXPECT_FALSE(connection.is_open());
    }
}

TEST(protocol_client, connects_by_name_and_reports_refused_connections) {
    testing::fake_broker broker([](const protocol::request_frame& request) -> std::optional<byte_buffer> {
        return testing::answer(request, sample_response());
    });
    auto connection = broker_connection::connect("localhost", broker.port(), protocol_clock::now() + 10s);
    ASSERT_TRUE(connection) << connection.error();
    EXPECT_EQ(connection->peer(), "localhost:" + std::to_string(broker.port()));
    auto response = connection->call<msg::list_transactions_response>(sample_request(), 1, protocol_clock::now() + 10s);
    ASSERT_TRUE(response) << response.error();
    EXPECT_EQ(*response, sample_response());

    // A port nobody listens on: bound, then closed.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);
    auto refused = broker_connection::connect("127.0.0.1", port, protocol_clock::now() + 10s);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "127.0.0.1:" + std::to_string(port) + ": cannot connect: Connection refused");
}

} // namespace
} // namespace sluice::cli
