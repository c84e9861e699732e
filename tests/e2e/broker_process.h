#pragma once
// broker_process: the real `sluice serve` binary, started by a test on an ephemeral loopback
// port with a fresh data directory. The port is read from the broker's startup log line, so
// there is no port race. stop() sends SIGTERM and returns the exit code.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::e2e {

class broker_process {
public:
    // Starts `sluice serve` with --set listeners=PLAINTEXT://127.0.0.1:0, log.dirs=<temp dir>
    // and `extra` arguments; waits (bounded) for the "listening on" line.
    explicit broker_process(std::vector<std::string> extra = {});
    ~broker_process();
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    bool running() const noexcept { return _pid > 0 && _port != 0; }
    uint16_t port() const noexcept { return _port; }
    std::string bootstrap() const { return "127.0.0.1:" + std::to_string(_port); }
    const std::string& data_dir() const noexcept { return _data_dir; }
    std::string log() const;

    // SIGTERM (or `signal`), then waits up to `timeout`; the exit code, or -1 when it did not
    // exit in time (it is then killed) or died of a signal.
    int stop(int signal = 15, std::chrono::milliseconds timeout = std::chrono::seconds(20));

private:
    void drain_log(int fd);
    pid_t _pid = -1;
    uint16_t _port = 0;
    std::string _data_dir;
    mutable std::mutex _mutex;
    std::string _log;
    std::thread _log_reader;
};

} // namespace sluice::e2e
