#pragma once
// for_each_shard: runs a coroutine on each of a set of shards at the same time and resumes
// the caller (on its own shard) when all have finished: how a request's per-partition work
// reaches the partitions' owners (DESIGN.md §2). The work writes its results into storage the
// caller owns; every write happens-before the caller resumes (the completion is posted).
#include <exception>
#include <memory>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include "net/completion.h"
#include "net/smp.h"

namespace sluice::server {

// fn(shard) -> asio::awaitable<void>, called on `shard`. Exceptions are rethrown here (the
// first one) after every shard finished.
template <typename F>
asio::awaitable<void> for_each_shard(net::smp& smp, const std::vector<net::shard_id>& shards, F fn) {
    auto executor = co_await asio::this_coro::executor;
    if (shards.size() == 1 && shards.front() == net::this_shard()) {
        co_await fn(shards.front());
        co_return;
    }
    struct state {
        explicit state(asio::any_io_executor e) : done(std::move(e)) {}
        size_t left = 0;
        asio::steady_timer done;
        std::exception_ptr error;
    };
    auto s = std::make_shared<state>(executor);
    s->left = shards.size();
    for (net::shard_id shard : shards) {
        asio::co_spawn(smp.context(shard), [fn, shard]() -> asio::awaitable<void> { co_await fn(shard); },
                       [s, executor](std::exception_ptr e) {
                           asio::post(executor, [s, e] {
                               if (e && !s->error) s->error = e;
                               if (--s->left == 0) s->done.cancel();
                           });
                       });
    }
    while (s->left > 0) {
        s->done.expires_at(asio::steady_timer::time_point::max());
        co_await s->done.async_wait(net::use_tuple);
    }
    if (s->error) std::rethrow_exception(s->error);
}

} // namespace sluice::server
