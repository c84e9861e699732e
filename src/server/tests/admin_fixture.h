#pragma once
// A broker of one for handler tests: a broker_context with a metadata store and a controller
// over cluster::testing::local_metadata_log (entries applied on its own thread, as a quorum
// would once committed), and requests run through the dispatcher with encoded frames. The
// controller answers on the log's thread and controller_call posts back to the test's
// io_context, which runs until the handler is done.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "cluster/tests/local_metadata_log.h"
#include "cluster/topic_config_hooks.h"
#include "protocol/generated/all_messages.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"
#include "server/tests/request_frames.h"

namespace sluice::server::testing {

namespace msg = protocol::msg;
using protocol::error_code;

class admin_fixture : public ::testing::Test {
protected:
    static constexpr int32_t node = 1;

    // Broker properties for DescribeConfigs (a static broker value and a default) and the
    // defaults auto-creation and CreateTopics use.
    explicit admin_fixture(storage::properties broker_properties = {{"log.retention.hours", "2"}}) {
        broker.node_id = model::node_id{node};
        broker.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
        broker.advertised_host = "broker.example";
        broker.advertised_port = 19092;
        ctx.identity = &broker;
        ctx.metadata = &store;
        ctx.settings.properties = std::move(broker_properties);
        ctx.settings.num_partitions = 3;
        cluster::controller_config config;
        config.node_id = node;
        config.default_partitions = ctx.settings.num_partitions;
        config.max_partitions = 1000;
        cluster::set_topic_config_hooks(config, ctx.settings.properties);
        controller = std::make_unique<cluster::controller>(store, log, std::move(config));
        ctx.controller = controller.get();
    }

    // Sends `req` at `version` and decodes the answer as `Response` at the same version.
    template <typename Response, typename Request>
    Response call(const Request& req, int16_t version) {
        const protocol::api_info* api = protocol::find_api(Request::api_key);
        byte_buffer frame = request_frame(req, version, 77, "admin-test");

        asio::io_context io;
        auto work = asio::make_work_guard(io);
        auto done = asio::co_spawn(io, d.handle(std::move(frame), connection), asio::use_future);
        while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one_for(std::chrono::milliseconds(10));
        net::response r = done.get();
        Response out;
        EXPECT_EQ(r.what, net::response::action::send);
        if (r.what != net::response::action::send) return out;
        protocol::reader reader(r.bytes);
        msg::response_header h;
        h.read(reader, protocol::response_header_version(*api, version));
        EXPECT_EQ(h.correlation_id, 77);
        EXPECT_TRUE(out.decode(byte_view(reader.position(), reader.remaining()), version));
        return out;
    }

    // Creates topics straight through the controller (the state a test starts from).
    std::vector<cluster::create_topic_result> create(std::vector<cluster::new_topic> topics) {
        std::promise<std::vector<cluster::create_topic_result>> p;
        controller->create_topics(std::move(topics), false, [&](auto r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    }
    uuid create(std::string name, int32_t partitions, storage::properties configs = {}) {
        cluster::new_topic t;
        t.name = std::move(name);
        t.num_partitions = partitions;
        for (auto& [k, v] : configs) t.configs.emplace_back(k, v);
        auto r = create(std::vector<cluster::new_topic>{t});
        EXPECT_TRUE(r.at(0).error.ok()) << r.at(0).error.message.value_or("");
        return r.at(0).topic_id;
    }

    cluster::image_ptr image() const { return store.current(); }

    broker_identity broker;
    cluster::metadata_store store;
    cluster::testing::local_metadata_log log{store};
    std::unique_ptr<cluster::controller> controller;
    broker_context ctx;
    net::connection_info connection{1, 0, "127.0.0.1:5555", {}, {}};
    dispatcher d{ctx, handler_table::instance()};
};

} // namespace sluice::server::testing
