#include "cli/tests/mock_cluster_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace sluice::cli::testing {

namespace {

using clock = std::chrono::steady_clock;

// The first line on `fd`, read within `timeout`; empty on timeout or end of file.
std::string read_line(int fd, std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (poll(&p, 1, static_cast<int>(std::max<long>(left, 0))) <= 0) continue;
        char c;
        if (read(fd, &c, 1) != 1) return {};
        if (c == '\n') return line;
        line.push_back(c);
    }
    return {};
}

} // namespace

mock_cluster_process::mock_cluster_process(const std::vector<std::string>& topics, int brokers) {
    std::vector<std::string> args = {CLI_MOCK_CLUSTER, "--brokers", std::to_string(brokers)};
    for (const auto& t : topics) {
        args.push_back("--topic");
        args.push_back(t);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    if (posix_spawn(&_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) _pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    _stdin = in[1];
    const std::string line = _pid > 0 ? read_line(out[0], std::chrono::seconds(20)) : std::string();
    close(out[0]);
    const std::string prefix = "bootstrap ";
    if (line.starts_with(prefix)) _bootstrap = line.substr(prefix.size());
}

mock_cluster_process::~mock_cluster_process() {
    if (_stdin >= 0) close(_stdin);
    if (_pid <= 0) return;
    const auto deadline = clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(_pid, &status, WNOHANG) == 0) {
        if (clock::now() >= deadline) {
            kill(_pid, SIGKILL); // only the child this object started
            waitpid(_pid, &status, 0);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace sluice::cli::testing
