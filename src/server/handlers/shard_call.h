#pragma once
// call_on_shard: runs a callback-style operation on another shard's state and awaits its one
// answer — how a request reaches the coordinator (groups, transactions) of the internal
// partition it belongs to (DESIGN.md §2, §7).
#include <memory>
#include <vector>

#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "server/broker_context.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

// start(shard_partitions&, done) runs on `shard`; done(Result) must be called exactly once, on
// that shard (possibly inside start). Resumes on the caller's shard with the value.
template <typename Result, typename Start>
asio::awaitable<Result> call_on_shard(const broker_context& ctx, net::shard_id shard, Start start) {
    Result result{};
    const std::vector<net::shard_id> owner{shard};
    co_await for_each_shard(*ctx.shards, owner, [&](net::shard_id s) -> asio::awaitable<void> {
        shard_partitions& partitions = *ctx.partitions[s];
        auto executor = co_await asio::this_coro::executor;
        result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
            [&partitions, &start, executor](auto handler) {
                auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                start(partitions, [executor, shared](Result value) {
                    asio::post(executor, [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
                });
            },
            asio::use_awaitable);
    });
    co_return result;
}

} // namespace sluice::server::handlers
