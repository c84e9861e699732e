// raft_crash_child <dir> <generation> <snapshot threshold> <snapshot trailing>
// Starts the metadata quorum on <dir> and proposes entries from two threads (up to 32 in
// flight each) until it is killed. Each entry acknowledged as committed and applied is
// printed on stdout as "<index> <payload>\n", in index order, one write(2) per line (atomic:
// shorter than PIPE_BUF). crash_test.cc SIGKILLs it and checks that every printed entry
// survives. Payloads: g<generation>-t<thread>-<n> then (n % 23) 'x's.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <semaphore>
#include <string>
#include <thread>

#include "raft/metadata_quorum.h"
#include "raft/tests/recording_state_machine.h"

using namespace sluice;
using namespace sluice::raft;

namespace {

void propose_forever(metadata_quorum& quorum, const std::string& generation, int thread) {
    std::counting_semaphore<32> in_flight(32);
    for (uint64_t n = 0;; ++n) {
        in_flight.acquire();
        std::string payload = "g" + generation + "-t" + std::to_string(thread) + "-" + std::to_string(n);
        payload.append(n % 23, 'x');
        byte_buffer entry(payload.begin(), payload.end());
        quorum.propose(std::move(entry), [payload, &in_flight](std::error_code ec, uint64_t index) {
            if (!ec) {
                std::string line = std::to_string(index) + " " + payload + "\n";
                if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
            }
            in_flight.release();
        });
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s <dir> <generation> <snapshot threshold> <snapshot trailing>\n", argv[0]);
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);
    quorum_config config;
    config.dir = argv[1];
    config.snapshot_threshold = std::strtoull(argv[3], nullptr, 10);
    config.snapshot_trailing = std::strtoull(argv[4], nullptr, 10);
    test::recording_state_machine sm;
    auto quorum = metadata_quorum::start(config, sm);
    std::thread a(propose_forever, std::ref(*quorum), std::string(argv[2]), 0);
    propose_forever(*quorum, argv[2], 1);
}
