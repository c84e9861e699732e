#include "e2e/background_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

extern char** environ;

namespace sluice::e2e {

background_process::background_process(const std::vector<std::string>& argv) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&_pid, args[0], &actions, nullptr, args.data(), environ) != 0) _pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    if (_pid < 0) {
        close(out[0]);
        close(err[0]);
        return;
    }
    _reader = std::thread([this, o = out[0], e = err[0]] { drain(o, e); });
}

background_process::~background_process() {
    if (_pid > 0 && !_exit_code) {
        kill(_pid, SIGKILL);
        int status = 0;
        while (waitpid(_pid, &status, 0) < 0 && errno == EINTR) {}
    }
    if (_reader.joinable()) _reader.join();
}

void background_process::drain(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                std::lock_guard lock(_mutex);
                (i == 0 ? _out : _err).append(buf, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1; // poll ignores negative descriptors
            }
        }
    }
    for (const pollfd& p : fds)
        if (p.fd >= 0) close(p.fd);
}

std::string background_process::out() const {
    std::lock_guard lock(_mutex);
    return _out;
}

std::string background_process::err() const {
    std::lock_guard lock(_mutex);
    return _err;
}

bool background_process::signal(int signal) {
    if (_pid <= 0 || _exit_code) return false;
    return kill(_pid, signal) == 0; // not reaped yet: the pid is still this process's
}

std::optional<int> background_process::wait(std::chrono::milliseconds timeout) {
    if (_exit_code) return _exit_code;
    if (_pid <= 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        if (waitpid(_pid, &status, WNOHANG) == _pid) {
            _exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            _pid = -1;
            if (_reader.joinable()) _reader.join(); // the pipes close when it exits
            return _exit_code;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace sluice::e2e
