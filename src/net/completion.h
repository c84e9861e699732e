#pragma once
// Completion tokens used across Sluice's coroutines. `use_tuple`: an awaited operation
// returns (error_code, result...) instead of throwing; expected failures are values
// (STYLE.md). In Asio 1.22 as_tuple is still under experimental/.
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace sluice::net {

inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

} // namespace sluice::net
