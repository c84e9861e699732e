#pragma once
// A broker in a test: real shards (net::smp), a real log directory, a controller over
// cluster::testing::local_metadata_log, shard_partitions reconciled from the metadata, and a
// dispatcher per shard. Requests go through the dispatcher as a client's would. Shared by the
// handler tests that need coordinators (groups, transactions).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "cluster/tests/local_metadata_log.h"
#include "cluster/topic_config_hooks.h"
#include "protocol/generated/all_messages.h"
#include "server/dispatcher.h"
#include "server/handler_table.h"
#include "server/shard_partitions.h"
#include "server/tests/request_frames.h"
#include "storage/posix_file_system.h"

namespace sluice::server::testing {

class shards_fixture : public ::testing::Test {
protected:
    // Two shards; `name` prefixes the temporary directory; `properties` are the broker's.
    shards_fixture(const std::string& name, storage::properties properties) : shards(2) {
        dir = std::filesystem::temp_directory_path() / ("sluice-" + name + "-" + std::to_string(::getpid()) + "-" +
                                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        identity.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
        identity.advertised_host = "broker.example";
        identity.advertised_port = 19092;
        ctx.identity = &identity;
        ctx.shards = &shards;
        ctx.metadata = &store;
        ctx.settings.log_dir = dir.string();
        ctx.settings.properties = std::move(properties);
        cluster::controller_config config;
        config.node_id = 1;
        config.max_partitions = 1000;
        cluster::set_topic_config_hooks(config, ctx.settings.properties);
        controller = std::make_unique<cluster::controller>(store, log, std::move(config));
        ctx.controller = controller.get();
        store.subscribe([this](const cluster::image_ptr&, const cluster::image_ptr& after) {
            if (!open) return;
            for (net::shard_id s = 0; s < shards.count(); ++s)
                shards.post_to(s, [p = ctx.partitions[s], after] { p->reconcile(after); });
        });
        shards.start();
        start_shards();
        create_topic("orders", 3);
    }
    ~shards_fixture() override {
        stop_shards();
        shards.stop();
        std::filesystem::remove_all(dir);
    }

    void start_shards() {
        for (net::shard_id s = 0; s < shards.count(); ++s) {
            partitions.push_back(std::make_unique<shard_partitions>(s, ctx, fs, clock,
                                                                    storage::log_dir_config_from(dir.string(), {})));
            ctx.partitions.push_back(partitions.back().get());
        }
        for (net::shard_id s = 0; s < shards.count(); ++s)
            EXPECT_EQ(shards.run_on(s, [&, s] {
                auto e = partitions[s]->open(false);
                partitions[s]->reconcile(store.current());
                return e;
            }).get(), storage::storage_errc::none);
        open = true;
        for (net::shard_id s = 0; s < shards.count(); ++s)
            dispatchers.push_back(std::make_unique<dispatcher>(ctx, handler_table::instance()));
    }
    void stop_shards() {
        open = false;
        for (net::shard_id s = 0; s < shards.count(); ++s) shards.run_on(s, [&, s] { (void)partitions[s]->shutdown(); }).get();
        // Destroyed on their shards: their timers belong to the shards' loops.
        for (net::shard_id s = 0; s < shards.count(); ++s) shards.run_on(s, [&, s] { partitions[s].reset(); }).get();
        partitions.clear();
        ctx.partitions.clear();
        dispatchers.clear();
    }

    void create_topic(const std::string& name, int32_t count) {
        cluster::new_topic t;
        t.name = name;
        t.num_partitions = count;
        std::promise<std::vector<cluster::create_topic_result>> p;
        controller->create_topics({t}, false, [&](auto r) { p.set_value(std::move(r)); });
        ASSERT_TRUE(p.get_future().get().at(0).error.ok());
    }

    std::filesystem::path dir;
    net::smp shards;
    storage::posix_file_system fs;
    storage::system_clock clock;
    broker_identity identity;
    cluster::metadata_store store;
    cluster::testing::local_metadata_log log{store};
    std::unique_ptr<cluster::controller> controller;
    broker_context ctx;
    std::vector<std::unique_ptr<shard_partitions>> partitions;
    std::vector<std::unique_ptr<dispatcher>> dispatchers;
    std::atomic<bool> open{false};
    net::connection_info connection{1, 0, "127.0.0.1:5555", {}, {}};
};

} // namespace sluice::server::testing
