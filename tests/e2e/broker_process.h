#pragma once
// broker_process: the real `sluice serve` binary, run by a test on a loopback port with a data
// directory of its own. The first start takes an ephemeral port, read from the broker's
// startup log line (no port race); start() after stop() runs the broker again on the same
// data directory and the same port, so clients that stay up across the restart reconnect to
// it. The data directory lives as long as the broker_process object.
//
// Used from the test's thread only; the stderr of every run is collected by a reader thread
// (log() may be called any time).
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::e2e {

class broker_process {
public:
    // Starts `sluice serve --smp 2` with --set listeners=PLAINTEXT://127.0.0.1:0,
    // log.dirs=<temp dir> and `extra` arguments; waits (bounded) for the "listening on" line.
    explicit broker_process(std::vector<std::string> extra = {});
    // SIGKILL when still running; removes the data directory.
    ~broker_process();
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    bool running() const noexcept { return _pid > 0 && _port != 0; }
    // The port of the first start; every later start listens on it too.
    uint16_t port() const noexcept { return _port; }
    std::string bootstrap() const { return "127.0.0.1:" + std::to_string(_port); }
    const std::string& data_dir() const noexcept { return _data_dir; }
    int starts() const noexcept { return _starts; }
    // The stderr of every run so far, runs separated by a "=== start N ===" line.
    std::string log() const;
    // The stderr of the current (or last) run only.
    std::string run_log() const;

    // Sends `signal` and waits up to `timeout`: the exit code; 128 + the signal number when
    // it died of a signal (SIGKILL: 137); -1 when it had to be killed at the deadline or was
    // not running.
    int stop(int signal = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(20));

    // After stop(): starts the broker again with the same arguments on the same data directory
    // and port; waits (bounded) until it listens. False when it did not come up (see log()).
    bool start();
    // The `extra` arguments of the next start() (a later --smp or --set overrides an earlier).
    void set_extra_arguments(std::vector<std::string> extra) { _extra = std::move(extra); }

private:
    bool spawn(const std::vector<std::string>& args);
    void drain_log(int fd);

    std::vector<std::string> _extra;
    pid_t _pid = -1;
    uint16_t _port = 0;
    int _starts = 0;
    std::string _data_dir;
    mutable std::mutex _mutex;
    std::string _log;        // guarded by _mutex
    size_t _run_begin = 0;   // where the current run's stderr starts in _log; guarded by _mutex
    std::thread _log_reader; // one per run, joined once the run's stderr is closed
};

} // namespace sluice::e2e
