// The client runner the golden tests rely on to bound every client.
#include "golden/client_process.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sluice::golden {
namespace {

TEST(golden_client_process, passes_stdin_and_captures_stdout_stderr_and_exit_code) {
    process_result r = run_process({find_program("sh"), "-c", "cat; echo oops >&2; exit 3"}, "line 1\nline 2\n",
                                   std::chrono::seconds(10));
    ASSERT_TRUE(r.started);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "line 1\nline 2\n");
    EXPECT_EQ(r.err, "oops\n");
}

TEST(golden_client_process, kills_a_client_at_its_deadline) {
    const auto start = std::chrono::steady_clock::now();
    process_result r = run_process({find_program("sleep"), "30"}, "", std::chrono::milliseconds(200));
    EXPECT_TRUE(r.started);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(golden_client_process, reports_a_program_that_cannot_start) {
    process_result r = run_process({"/nonexistent/golden-client"}, "", std::chrono::seconds(1));
    EXPECT_FALSE(r.started);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(find_program("golden-client-that-does-not-exist"), "");
}

} // namespace
} // namespace sluice::golden
