#pragma once
// output: where commands write. Results go to stdout; errors to stderr as "sluice: <what>",
// and the command then exits 1 (2 is for usage errors, arguments.h).
#include <string_view>

namespace sluice::cli {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

void write_stdout(std::string_view text);
void print_error(std::string_view message);
// print_error, then exit_failure: `return fail("...")`.
int fail(std::string_view message);

} // namespace sluice::cli
