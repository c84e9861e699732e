#include "e2e/broker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace sluice::e2e {

namespace {
using clock = std::chrono::steady_clock;
}

broker_process::broker_process(std::vector<std::string> extra) {
    char dir_template[] = "/tmp/sluice-e2e-XXXXXX";
    _data_dir = std::string(mkdtemp(dir_template)) + "/data";
    std::vector<std::string> args = {SLUICE_BINARY, "serve", "--smp", "2", "--set", "listeners=PLAINTEXT://127.0.0.1:0",
                                     "--set", "log.dirs=" + _data_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int err[2];
    if (pipe2(err, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    if (posix_spawn(&_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) _pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(err[1]);
    if (_pid < 0) {
        close(err[0]);
        return;
    }
    _log_reader = std::thread([this, fd = err[0]] { drain_log(fd); });
    // The startup line: "listening on PLAINTEXT://127.0.0.1:40123 (advertised ...)".
    const std::string listening = "listening on PLAINTEXT://127.0.0.1:";
    const auto deadline = clock::now() + std::chrono::seconds(20);
    while (clock::now() < deadline) {
        std::string text = log();
        if (auto at = text.find(listening); at != std::string::npos) {
            _port = static_cast<uint16_t>(std::atoi(text.c_str() + at + listening.size()));
            return;
        }
        if (waitpid(_pid, nullptr, WNOHANG) == _pid) { // exited before listening
            _pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

broker_process::~broker_process() {
    if (_pid > 0) stop(SIGKILL);
    if (_log_reader.joinable()) _log_reader.join();
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(_data_dir).parent_path(), ec);
}

void broker_process::drain_log(int fd) {
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(_mutex);
        _log.append(buf, static_cast<size_t>(n));
    }
    close(fd);
}

std::string broker_process::log() const {
    std::lock_guard lock(_mutex);
    return _log;
}

int broker_process::stop(int signal, std::chrono::milliseconds timeout) {
    if (_pid <= 0) return -1;
    kill(_pid, signal);
    const auto deadline = clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(_pid, &status, WNOHANG);
        if (r == _pid) break;
        if (clock::now() >= deadline) {
            kill(_pid, SIGKILL);
            waitpid(_pid, &status, 0);
            _pid = -1;
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    _pid = -1;
    if (_log_reader.joinable()) _log_reader.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace sluice::e2e
