#pragma once
// mock_cluster_process: cli_mock_cluster (mock_cluster_main.cc) as a child of the test. The
// constructor waits (bounded) for its bootstrap line; the destructor closes its stdin and
// waits for it to exit (killing it after a few seconds).
#include <sys/types.h>

#include <string>
#include <vector>

namespace sluice::cli::testing {

class mock_cluster_process {
public:
    // `topics`: "name:partitions" each.
    explicit mock_cluster_process(const std::vector<std::string>& topics, int brokers = 1);
    ~mock_cluster_process();
    mock_cluster_process(const mock_cluster_process&) = delete;
    mock_cluster_process& operator=(const mock_cluster_process&) = delete;

    // Empty when the cluster did not start.
    const std::string& bootstrap() const noexcept { return _bootstrap; }

private:
    pid_t _pid = -1;
    int _stdin = -1;
    std::string _bootstrap;
};

} // namespace sluice::cli::testing
