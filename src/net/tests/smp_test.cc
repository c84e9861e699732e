#include "net/smp.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include <asio/steady_timer.hpp>

namespace sluice::net {
namespace {

asio::awaitable<shard_id> shard_after_delay() {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
    co_await t.async_wait(asio::use_awaitable);
    co_return this_shard();
}

// On shard 0: asks shard 1 for its id three ways, and checks the caller resumes on shard 0.
asio::awaitable<std::vector<shard_id>> cross_shard(smp* shards) {
    std::vector<shard_id> seen;
    seen.push_back(co_await shards->submit_to(1, [] { return this_shard(); }));
    seen.push_back(this_shard());
    seen.push_back(co_await shards->submit_to(1, [] { return shard_after_delay(); }));
    seen.push_back(this_shard());
    co_await shards->submit_to(1, [] {});
    try {
        co_await shards->submit_to(1, []() -> int { throw std::runtime_error("boom"); });
    } catch (const std::runtime_error&) {
        seen.push_back(99);
    }
    seen.push_back(this_shard());
    co_return seen;
}

TEST(smp, shard_ids_and_submit_to) {
    smp shards(2);
    EXPECT_EQ(shards.count(), 2u);
    EXPECT_EQ(this_shard(), no_shard);
    shards.start();
    EXPECT_EQ(shards.run_on(0, [] { return this_shard(); }).get(), 0u);
    EXPECT_EQ(shards.run_on(1, [] { return this_shard(); }).get(), 1u);
    smp* p = &shards;
    auto seen = shards.run_on(0, [p] { return cross_shard(p); }).get();
    EXPECT_EQ(seen, (std::vector<shard_id>{1, 0, 1, 0, 99, 0}));
    shards.stop();
}

TEST(smp, post_to_runs_on_the_target_shard) {
    smp shards(2);
    shards.start();
    std::promise<shard_id> where;
    shards.post_to(1, [&where] { where.set_value(this_shard()); });
    EXPECT_EQ(where.get_future().get(), 1u);
}

} // namespace
} // namespace sluice::net
