#pragma once
// Awaiting storage's completions from a shard's coroutine: log_syncer::wait_durable runs its
// completion on the owner shard (posted by the flush service); the coroutine resumes there.
#include <memory>

#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "storage/log_syncer.h"

namespace sluice::server {

// Every offset below `up_to` durable (acks=all), or the error of the sync that failed.
inline asio::awaitable<storage::storage_errc> wait_durable(storage::log_syncer& syncer, model::offset up_to) {
    if (syncer.durable_offset() >= up_to) co_return storage::storage_errc::none;
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(storage::storage_errc)>(
        [&syncer, up_to, executor](auto handler) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            syncer.wait_durable(up_to, [shared, executor](storage::storage_errc e) {
                asio::post(executor, [shared, e] { (*shared)(e); });
            });
        },
        asio::use_awaitable);
}

} // namespace sluice::server
