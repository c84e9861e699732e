#include "net/memory_budget.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

namespace sluice::net {
namespace {

struct taker {
    asio::steady_timer wake;
    bool done = false;
    bool granted = false;
    explicit taker(asio::io_context& c) : wake(c) {}
};

asio::awaitable<void> take(memory_budget* budget, size_t bytes, taker* t) {
    t->granted = co_await budget->acquire(bytes, t->wake);
    t->done = true;
}

// Runs what is ready (poll() leaves the context stopped when it runs out of work).
void drain(asio::io_context& io) {
    io.restart();
    io.poll();
}

TEST(memory_budget, waits_when_over_and_grants_in_order) {
    asio::io_context io;
    memory_budget budget(1000);
    taker a(io), b(io), c(io), d(io);
    asio::co_spawn(io, take(&budget, 600, &a), asio::detached);
    asio::co_spawn(io, take(&budget, 600, &b), asio::detached);
    asio::co_spawn(io, take(&budget, 100, &c), asio::detached); // fits, but waits behind b (FIFO)
    drain(io);
    EXPECT_TRUE(a.done && a.granted);
    EXPECT_FALSE(b.done);
    EXPECT_FALSE(c.done);
    EXPECT_EQ(budget.waiting(), 2u);
    EXPECT_EQ(budget.waits(), 2u);
    budget.release(600);
    drain(io);
    EXPECT_TRUE(b.done && b.granted);
    EXPECT_TRUE(c.done && c.granted);
    EXPECT_EQ(budget.available(), 300u);
    // Larger than the whole budget: clamped, waits until everything is back.
    asio::co_spawn(io, take(&budget, 5000, &d), asio::detached);
    drain(io);
    EXPECT_FALSE(d.done);
    budget.release(600);
    budget.release(100);
    drain(io);
    EXPECT_TRUE(d.done && d.granted);
    EXPECT_EQ(budget.available(), 0u);
    budget.release(budget.units_for(5000));
    EXPECT_EQ(budget.available(), 1000u);
}

TEST(memory_budget, abandoned_wait_lets_the_next_waiter_in) {
    asio::io_context io;
    memory_budget budget(1000);
    taker a(io), b(io), c(io);
    asio::co_spawn(io, take(&budget, 900, &a), asio::detached);
    asio::co_spawn(io, take(&budget, 500, &b), asio::detached);
    asio::co_spawn(io, take(&budget, 100, &c), asio::detached);
    drain(io);
    EXPECT_FALSE(b.done);
    EXPECT_FALSE(c.done);
    b.wake.cancel(); // b's connection closes
    drain(io);
    EXPECT_TRUE(b.done);
    EXPECT_FALSE(b.granted);
    EXPECT_TRUE(c.done && c.granted);
    EXPECT_EQ(budget.waiting(), 0u);
}

} // namespace
} // namespace sluice::net
