#include "golden/client_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

extern char** environ;

namespace sluice::golden {

namespace {

using clock = std::chrono::steady_clock;

// stdin as a memfd holding all of `input`: no writer thread, no pipe-buffer deadlock.
int input_fd(std::string_view input) {
    int fd = memfd_create("golden-stdin", MFD_CLOEXEC);
    if (fd < 0) return -1;
    for (size_t at = 0; at < input.size();) {
        ssize_t n = write(fd, input.data() + at, input.size() - at);
        if (n <= 0) { close(fd); return -1; }
        at += n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

// Reads both pipes until the child closes them and exits, or the deadline passes.
// Closes the pipes it reaches the end of (and sets them to -1).
void collect(pid_t pid, int& out_fd, int& err_fd, clock::time_point deadline, process_result& result) {
    const int pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    int fds_open = 2;
    bool exited = pid_fd < 0; // no pidfd: the pipes closing tells the child is done
    while (fds_open > 0 || !exited) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) { result.timed_out = true; break; }
        pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {exited ? -1 : pid_fd, POLLIN, 0}};
        if (poll(fds, 3, static_cast<int>(left)) < 0 && errno != EINTR) { result.timed_out = true; break; }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? result.out : result.err).append(buf, n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                (i == 0 ? out_fd : err_fd) = -1;
                --fds_open;
            }
        }
        if (fds[2].revents & POLLIN) exited = true;
    }
    if (pid_fd >= 0) close(pid_fd);
}

} // namespace

std::string process_result::describe() const {
    std::string s = !started ? "could not start" : timed_out ? "timed out" : "exit code " + std::to_string(exit_code);
    return s + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
}

process_result run_process(const std::vector<std::string>& argv, std::string_view input,
                           std::chrono::milliseconds timeout) {
    process_result result;
    const clock::time_point deadline = clock::now() + timeout;
    int in = input_fd(input);
    int out[2], err[2];
    if (in < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) return result;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(out[0]);
        close(err[0]);
        return result;
    }
    result.started = true;
    int out_fd = out[0], err_fd = err[0];
    collect(pid, out_fd, err_fd, deadline, result);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    if (result.timed_out) kill(pid, SIGKILL); // only the child we started
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!result.timed_out) result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string find_program(std::string_view program) {
    if (program.find('/') != std::string_view::npos)
        return access(std::string(program).c_str(), X_OK) == 0 ? std::string(program) : std::string();
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const size_t colon = dirs.find(':');
        std::string candidate = std::string(dirs.substr(0, colon)) + "/" + std::string(program);
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    }
    return {};
}

} // namespace sluice::golden
