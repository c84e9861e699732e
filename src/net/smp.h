#pragma once
// smp: the shards of the process (DESIGN.md §2). Shard i is one thread running one
// asio::io_context; everything a shard owns (connections, later partitions) is touched only
// by that thread. Crossing shards is explicit: submit_to(shard, fn) runs fn on the target
// shard and resumes the caller on its own shard with the result.
//
// Lives in src/net rather than src/base because it is built on Asio's io_context (base has no
// Asio dependency).
//
// Threads: construct, start() and stop() from one non-shard thread (main). context(),
// count(), submit_to() and post_to() may be called from any thread once constructed.
// Lifetime: stop() joins the shard threads; objects owning Asio I/O objects of a shard (the
// tcp_server) must be destroyed before the smp, and after stop().
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>

namespace sluice::net {

using shard_id = uint32_t;
inline constexpr shard_id no_shard = UINT32_MAX;

// The shard the calling thread runs; no_shard on threads that are not shards.
shard_id this_shard() noexcept;

namespace detail {
template <typename T>
struct awaitable_traits {
    using value_type = T;
    static constexpr bool is_awaitable = false;
};
template <typename T, typename E>
struct awaitable_traits<asio::awaitable<T, E>> {
    using value_type = T;
    static constexpr bool is_awaitable = true;
};
template <typename F>
using submit_result_t = typename awaitable_traits<std::invoke_result_t<F&>>::value_type;

// Runs fn (a plain function or one returning an awaitable) inside a coroutine on the
// executor it is spawned on.
template <typename F>
asio::awaitable<submit_result_t<F>> invoke(F fn) {
    using traits = awaitable_traits<std::invoke_result_t<F&>>;
    if constexpr (traits::is_awaitable) {
        co_return co_await fn();
    } else if constexpr (std::is_void_v<submit_result_t<F>>) {
        fn();
        co_return;
    } else {
        co_return fn();
    }
}
} // namespace detail

class smp {
public:
    // shard_count >= 1. Creates the io_contexts; threads start in start().
    explicit smp(uint32_t shard_count);
    ~smp(); // stop()s if still running
    smp(const smp&) = delete;
    smp& operator=(const smp&) = delete;

    uint32_t count() const noexcept { return static_cast<uint32_t>(_contexts.size()); }
    asio::io_context& context(shard_id shard) noexcept { return *_contexts[shard]; }

    // One thread per shard, each running its io_context until stop().
    void start();
    // Stops every event loop (pending work is abandoned, not run) and joins the threads.
    void stop();

    // From a coroutine on any shard: runs fn on `shard`, resumes the caller on its own shard
    // with fn's result (or rethrows fn's exception). fn may return a value or an awaitable.
    template <typename F>
    asio::awaitable<detail::submit_result_t<F>> submit_to(shard_id shard, F fn) {
        return asio::co_spawn(context(shard), detail::invoke(std::move(fn)), asio::use_awaitable);
    }

    // From a thread that is not a shard (start-up, shutdown, tests): runs fn on `shard`; the
    // future becomes ready when it has completed.
    template <typename F>
    std::future<detail::submit_result_t<F>> run_on(shard_id shard, F fn) {
        return asio::co_spawn(context(shard), detail::invoke(std::move(fn)), asio::use_future);
    }

    // Fire and forget: fn() runs on `shard` later. fn must not throw.
    template <typename F>
    void post_to(shard_id shard, F fn) {
        asio::post(context(shard), std::move(fn));
    }

private:
    using work_guard = asio::executor_work_guard<asio::io_context::executor_type>;
    std::vector<std::unique_ptr<asio::io_context>> _contexts;
    std::vector<work_guard> _guards;
    std::vector<std::thread> _threads;
};

} // namespace sluice::net
