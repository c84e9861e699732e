#pragma once
// background_process: a client program (a producer script) running while the test does other
// things, such as restarting the broker under it. stdin is /dev/null; stdout and stderr are
// collected by a reader thread and can be read at any time, so the test can poll for progress
// the client prints, and can signal it (SIGTERM: a consumer's clean close; SIGKILL: a crash).
// A process still running at destruction is killed (SIGKILL, only this one).
#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::e2e {

class background_process {
public:
    explicit background_process(const std::vector<std::string>& argv);
    ~background_process();
    background_process(const background_process&) = delete;
    background_process& operator=(const background_process&) = delete;

    bool started() const noexcept { return _pid > 0 || _exit_code.has_value(); }
    std::string out() const;
    std::string err() const;
    // Waits up to `timeout` for the process to exit: its exit code (128 + signal when killed),
    // or nullopt when it is still running at the deadline. Once exited, its output is complete.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // Sends `signal` to this process (only it, by its pid); false when it has already exited
    // (or was never started).
    bool signal(int signal);

private:
    void drain(int out_fd, int err_fd);

    pid_t _pid = -1;
    std::optional<int> _exit_code;
    mutable std::mutex _mutex;
    std::string _out; // guarded by _mutex
    std::string _err; // guarded by _mutex
    std::thread _reader;
};

} // namespace sluice::e2e
