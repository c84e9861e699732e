#pragma once
// Runs a client program (kcat, a python script) as a subprocess with a deadline: stdin from a
// string, stdout and stderr captured. A client still running at the deadline is killed, so a
// client that hangs on the fake broker fails its test instead of stalling the suite.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::golden {

struct process_result {
    bool started = false;   // false: the program could not be executed
    bool timed_out = false; // killed at the deadline
    int exit_code = -1;     // valid when it exited by itself
    std::string out;
    std::string err;

    bool ok() const noexcept { return started && !timed_out && exit_code == 0; }
    // For assertion messages.
    std::string describe() const;
};

process_result run_process(const std::vector<std::string>& argv, std::string_view input,
                           std::chrono::milliseconds timeout);

// The full path of `program` found in PATH (or `program` itself when it holds a '/' and is
// executable); empty when there is none.
std::string find_program(std::string_view program);

} // namespace sluice::golden
