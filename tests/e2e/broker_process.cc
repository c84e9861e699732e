#include "e2e/broker_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace sluice::e2e {

namespace {
using clock = std::chrono::steady_clock;
constexpr auto start_timeout = std::chrono::seconds(30);
} // namespace

broker_process::broker_process(std::vector<std::string> extra) : _extra(std::move(extra)) {
    char dir_template[] = "/tmp/sluice-e2e-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return;
    _data_dir = std::string(dir_template) + "/data";
    start();
}

broker_process::~broker_process() {
    if (_pid > 0) stop(SIGKILL);
    if (_log_reader.joinable()) _log_reader.join();
    if (_data_dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(_data_dir).parent_path(), ec);
}

bool broker_process::start() {
    if (_pid > 0 || _data_dir.empty()) return false;
    ++_starts;
    {
        std::lock_guard lock(_mutex);
        if (!_log.empty()) _log += "=== start " + std::to_string(_starts) + " ===\n";
        _run_begin = _log.size();
    }
    std::vector<std::string> args = {SLUICE_BINARY, "serve", "--smp", "2",
                                     "--set", "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(_port),
                                     "--set", "log.dirs=" + _data_dir};
    args.insert(args.end(), _extra.begin(), _extra.end());

    // The startup line: "listening on PLAINTEXT://127.0.0.1:40123 (advertised ...)".
    const std::string listening = "listening on PLAINTEXT://127.0.0.1:";
    const auto deadline = clock::now() + start_timeout;
    if (!spawn(args)) return false;
    while (clock::now() < deadline) {
        const std::string text = run_log();
        // Whole line only: the number must not be cut by a partial read.
        if (auto at = text.find(listening); at != std::string::npos && text.find(" (advertised", at) != std::string::npos) {
            _port = static_cast<uint16_t>(std::atoi(text.c_str() + at + listening.size()));
            return true;
        }
        int status = 0;
        if (waitpid(_pid, &status, WNOHANG) == _pid) { // exited before listening
            _pid = -1;
            if (_log_reader.joinable()) _log_reader.join();
            // The previous run's port may be held for a moment by another socket on a
            // restart; try again until the deadline. Any other failure is final.
            if (_port == 0 || run_log().find("listeners:") == std::string::npos) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!spawn(args)) return false;
            continue;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

bool broker_process::spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int err[2];
    if (pipe2(err, O_CLOEXEC) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    if (posix_spawn(&_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) _pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(err[1]);
    if (_pid < 0) {
        close(err[0]);
        return false;
    }
    _log_reader = std::thread([this, fd = err[0]] { drain_log(fd); });
    return true;
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

std::string broker_process::run_log() const {
    std::lock_guard lock(_mutex);
    return _log.substr(_run_begin);
}

int broker_process::stop(int signal, std::chrono::milliseconds timeout) {
    if (_pid <= 0) return -1;
    kill(_pid, signal);
    const auto deadline = clock::now() + timeout;
    int status = 0;
    int code = -1;
    for (;;) {
        if (waitpid(_pid, &status, WNOHANG) == _pid) {
            code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
            break;
        }
        if (clock::now() >= deadline) {
            kill(_pid, SIGKILL);
            waitpid(_pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    _pid = -1;
    if (_log_reader.joinable()) _log_reader.join();
    return code;
}

} // namespace sluice::e2e
