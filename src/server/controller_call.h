#pragma once
// Awaiting the controller from a shard: the controller answers on the metadata quorum's
// thread; the result is posted back to the calling shard's executor, where the coroutine
// resumes.
//
//   auto results = co_await controller_call<std::vector<cluster::create_topic_result>>(
//       [&](auto done) { ctx.controller->create_topics(std::move(topics), false, std::move(done)); });
#include <memory>

#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace sluice::server {

template <typename Result, typename Start>
asio::awaitable<Result> controller_call(Start start) {
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
        [executor, start = std::move(start)](auto handler) mutable {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([executor, shared](Result result) mutable {
                asio::post(executor, [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); });
            });
        },
        asio::use_awaitable);
}

} // namespace sluice::server
