// `sluice txn list|describe` against fake brokers (fake_broker.h): version choice, filters,
// retries of retriable errors, per-broker failures, not-found. The real broker: tests/e2e/
// cli_txn_e2e_test.cc.
#include "cli/txn_commands.h"

#include <gtest/gtest.h>

#include <mutex>

#include "cli/tests/fake_broker.h"
#include "protocol/generated/api_003_metadata.h"
#include "protocol/generated/api_010_find_coordinator.h"
#include "protocol/generated/api_018_api_versions.h"
#include "protocol/generated/api_065_describe_transactions.h"
#include "protocol/generated/api_066_list_transactions.h"

namespace sluice::cli {
namespace {

namespace msg = protocol::msg;
using protocol::error_code;

struct run_output {
    int exit_code;
    std::string out;
    std::string err;
};

template <typename Options>
run_output run(int (*command)(const common_options&, const Options&), const std::string& brokers,
               const Options& options, output_format format = output_format::table) {
    common_options common;
    common.brokers = brokers;
    common.format = format;
    common.timeout_ms = 10'000;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int exit_code = command(common, options);
    std::fflush(stdout);
    std::fflush(stderr);
    std::string out = ::testing::internal::GetCapturedStdout();
    return {exit_code, std::move(out), ::testing::internal::GetCapturedStderr()};
}

// The port of a socket that was bound and closed: nobody listens there.
uint16_t closed_port() {
    testing::fake_broker gone([](const protocol::request_frame&) -> std::optional<byte_buffer> { return std::nullopt; });
    return gone.port();
}

// A one-broker cluster (node 1, plus `extra` brokers in Metadata) serving the given versions;
// requests other than ApiVersions and Metadata go to `serve`. Records every request's key and
// version.
class cluster {
public:
    cluster(std::map<int16_t, int16_t> max_versions, testing::fake_broker::handler serve,
            std::vector<msg::metadata_response::metadata_response_broker> extra = {})
        : _max_versions(std::move(max_versions)), _serve(std::move(serve)), _extra(std::move(extra)),
          _broker([this](const protocol::request_frame& r) { return handle(r); }) {}

    std::string address() const { return _broker.address(); }
    uint16_t port() const { return _broker.port(); }
    std::vector<std::pair<int16_t, int16_t>> requests() const {
        std::lock_guard lock(_mutex);
        return _requests;
    }

private:
    std::optional<byte_buffer> handle(const protocol::request_frame& r) {
        {
            std::lock_guard lock(_mutex);
            _requests.emplace_back(r.api_key, r.api_version);
        }
        if (r.api_key == 18) {
            msg::api_versions_response response;
            for (const auto& [key, max] : _max_versions) {
                auto& a = response.api_keys.emplace_back();
                a.api_key = key;
                a.max_version = max;
            }
            return testing::answer(r, response);
        }
        if (r.api_key == 3) {
            msg::metadata_response response;
            auto& self = response.brokers.emplace_back();
            self.node_id = model::node_id{1};
            self.host = "127.0.0.1";
            self.port = _broker.port();
            for (const auto& b : _extra) response.brokers.push_back(b);
            return testing::answer(r, response);
        }
        return _serve(r);
    }

    std::map<int16_t, int16_t> _max_versions;
    testing::fake_broker::handler _serve;
    std::vector<msg::metadata_response::metadata_response_broker> _extra;
    mutable std::mutex _mutex;
    std::vector<std::pair<int16_t, int16_t>> _requests;
    testing::fake_broker _broker; // last: stopped first, before what its handler uses
};

msg::list_transactions_response listing(error_code error) {
    msg::list_transactions_response response;
    response.error_code = error;
    if (error != error_code::none) return response;
    auto& t = response.transaction_states.emplace_back();
    t.transactional_id = "payments";
    t.producer_id = model::producer_id{4000};
    t.transaction_state = "Ongoing";
    return response;
}

TEST(txn_commands, list_retries_a_loading_coordinator_and_sends_the_filters) {
    std::mutex mutex;
    int list_calls = 0;
    msg::list_transactions_request asked;
    cluster c({{18, 3}, {3, 12}, {66, 1}}, [&](const protocol::request_frame& r) -> std::optional<byte_buffer> {
        if (r.api_key != 66) return std::nullopt;
        std::lock_guard lock(mutex);
        if (!asked.decode(r.body, r.api_version)) return std::nullopt;
        return testing::answer(r, listing(++list_calls == 1 ? error_code::coordinator_load_in_progress : error_code::none));
    });
    txn_list_options options{{"Ongoing"}, {model::producer_id{4000}}, 1000};
    const auto r = run(run_txn_list, c.address(), options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "TransactionalId  Coordinator  ProducerId  TransactionState\n"
              "payments         1            4000        Ongoing\n");
    EXPECT_EQ(r.err, "");
    std::lock_guard lock(mutex);
    EXPECT_EQ(list_calls, 2);
    EXPECT_EQ(asked.state_filters, options.states);
    EXPECT_EQ(asked.producer_id_filters, options.producer_ids);
    EXPECT_EQ(asked.duration_filter, 1000);
    const auto requests = c.requests();
    EXPECT_NE(std::find(requests.begin(), requests.end(), std::pair<int16_t, int16_t>(66, 1)), requests.end());
}

TEST(txn_commands, list_reports_each_broker_that_fails_and_lists_the_others) {
    msg::metadata_response::metadata_response_broker unreachable;
    unreachable.node_id = model::node_id{2};
    unreachable.host = "127.0.0.1";
    unreachable.port = closed_port();
    cluster c({{18, 3}, {3, 12}, {66, 0}},
              [](const protocol::request_frame& r) -> std::optional<byte_buffer> {
                  return testing::answer(r, listing(error_code::none));
              },
              {unreachable});
    const auto r = run(run_txn_list, c.address(), txn_list_options{}, output_format::json);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out,
              R"([{"transactional_id":"payments","coordinator":1,"producer_id":4000,"transaction_state":"Ongoing"}])"
              "\n");
    EXPECT_EQ(r.err, "sluice: list transactions: broker 2: 127.0.0.1:" + std::to_string(unreachable.port) +
                         ": cannot connect: Connection refused\n");
    // A broker with only v0 cannot filter by duration: it fails rather than list everything.
    const auto v0 = run(run_txn_list, c.address(), txn_list_options{{}, {}, 1000});
    EXPECT_EQ(v0.exit_code, 1);
    EXPECT_NE(v0.err.find("sluice: list transactions: broker 1: " + c.address() +
                          ": the broker does not serve ListTransactions v1 (needed for --duration-ms)\n"),
              std::string::npos)
        << v0.err;
}

TEST(txn_commands, list_gives_up_on_an_error_that_is_not_retriable) {
    cluster c({{18, 3}, {3, 12}, {66, 1}}, [](const protocol::request_frame& r) -> std::optional<byte_buffer> {
        return testing::answer(r, listing(error_code::cluster_authorization_failed));
    });
    const auto r = run(run_txn_list, c.address(), txn_list_options{});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, ""); // nobody answered: no empty table
    EXPECT_EQ(r.err.rfind("sluice: list transactions: broker 1: CLUSTER_AUTHORIZATION_FAILED: ", 0), 0u) << r.err;
}

// FindCoordinator (answered at `find_version`'s layout) and DescribeTransactions for "payments".
testing::fake_broker::handler coordinator_of(uint16_t* port, std::vector<error_code> describe_errors) {
    auto remaining = std::make_shared<std::vector<error_code>>(std::move(describe_errors));
    return [port, remaining](const protocol::request_frame& r) -> std::optional<byte_buffer> {
        if (r.api_key == 10) {
            msg::find_coordinator_request asked;
            if (!asked.decode(r.body, r.api_version) || asked.key_type != 1) return std::nullopt;
            msg::find_coordinator_response response;
            if (r.api_version >= 4) {
                auto& c = response.coordinators.emplace_back();
                c.key = asked.coordinator_keys.at(0);
                c.node_id = model::node_id{1};
                c.host = "127.0.0.1";
                c.port = *port;
            } else {
                response.node_id = model::node_id{1};
                response.host = "127.0.0.1";
                response.port = *port;
            }
            return testing::answer(r, response);
        }
        if (r.api_key != 65) return std::nullopt;
        msg::describe_transactions_request asked;
        if (!asked.decode(r.body, r.api_version)) return std::nullopt;
        msg::describe_transactions_response response;
        auto& t = response.transaction_states.emplace_back();
        t.transactional_id = asked.transactional_ids.at(0);
        if (!remaining->empty()) {
            t.error_code = remaining->front();
            remaining->erase(remaining->begin());
            return testing::answer(r, response);
        }
        t.transaction_state = "Ongoing";
        t.transaction_timeout_ms = 60000;
        t.transaction_start_time_ms = 1000;
        t.producer_id = model::producer_id{4000};
        t.producer_epoch = model::producer_epoch{2};
        auto& topic = t.topics.emplace_back();
        topic.topic = "orders";
        topic.partitions = {model::partition_id{1}, model::partition_id{0}};
        return testing::answer(r, response);
    };
}

TEST(txn_commands, describe_finds_the_coordinator_with_batched_or_single_keys) {
    for (const int16_t find_max : {int16_t{6}, int16_t{3}}) {
        uint16_t port = 0;
        cluster c({{18, 3}, {10, find_max}, {65, 0}}, coordinator_of(&port, {error_code::not_coordinator}));
        port = c.port();
        const auto r = run(run_txn_describe, c.address(), txn_describe_options{"payments"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.err, "");
        ASSERT_NE(r.out.find('\n'), std::string::npos) << r.out;
        const std::string row = r.out.substr(r.out.find('\n') + 1);
        EXPECT_EQ(row.rfind("1              payments         4000        2              Ongoing           60000"
                            "                 1000                           ",
                            0),
                  0u)
            << row;
        EXPECT_NE(row.find("orders-0,orders-1\n"), std::string::npos) << row;
        const auto requests = c.requests();
        EXPECT_NE(std::find(requests.begin(), requests.end(), std::pair<int16_t, int16_t>(10, find_max)), requests.end());
        // NOT_COORDINATOR: found again, asked again.
        EXPECT_EQ(std::count(requests.begin(), requests.end(), std::pair<int16_t, int16_t>(65, 0)), 2);
    }
}

TEST(txn_commands, describe_an_unknown_transactional_id) {
    uint16_t port = 0;
    cluster c({{18, 3}, {10, 6}, {65, 0}}, coordinator_of(&port, {error_code::transactional_id_not_found}));
    port = c.port();
    const auto r = run(run_txn_describe, c.address(), txn_describe_options{"nope"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "sluice: transactional id 'nope' not found\n");
}

TEST(txn_commands, describe_on_a_broker_without_the_api) {
    uint16_t port = 0;
    cluster c({{18, 3}, {10, 6}}, coordinator_of(&port, {}));
    port = c.port();
    const auto r = run(run_txn_describe, c.address(), txn_describe_options{"payments"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "sluice: describe transaction 'payments': " + c.address() +
                         ": the broker does not serve DescribeTransactions\n");
}

} // namespace
} // namespace sluice::cli
