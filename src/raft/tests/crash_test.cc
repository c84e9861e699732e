// Crash test: raft_crash_child proposes under load and prints every acknowledged entry; it is
// SIGKILLed after a seeded random number of acknowledgements, then the parent starts the
// quorum on the same directory and checks that every entry ever acknowledged is there, at its
// index, byte for byte, and that the log holds nothing but the child's entries, in index
// order. Snapshots are frequent, so kills land before, during and after them. The next
// generation continues the same log.
//
// SLUICE_RAFT_CRASH_ITERATIONS (default 3) and SLUICE_RAFT_CRASH_SEED (default 1) select the
// run; a failing seed reproduces the same kill points (modulo timing).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "raft/metadata_quorum.h"
#include "raft/tests/quorum_test_util.h"
#include "raft/tests/recording_state_machine.h"

#ifndef SLUICE_RAFT_CRASH_CHILD
#error "SLUICE_RAFT_CRASH_CHILD: path of raft_crash_child"
#endif

namespace sluice::raft {
namespace {

using namespace test;

constexpr uint64_t snapshot_threshold = 64;
constexpr uint64_t snapshot_trailing = 16;

int env_int(const char* name, int fallback) {
    const char* value = std::getenv(name);
    return value ? std::atoi(value) : fallback;
}

struct child_result {
    std::map<uint64_t, std::string> acknowledged; // index -> payload
    bool killed = false;
    std::string failure;
};

// Parses "<index> <payload>" lines; complete lines only.
void parse_lines(std::string& pending, child_result& result) {
    size_t start = 0;
    for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
        std::string line = pending.substr(start, end - start);
        size_t space = line.find(' ');
        uint64_t index = std::stoull(line.substr(0, space));
        if (!result.acknowledged.emplace(index, line.substr(space + 1)).second) {
            result.failure = "index " + std::to_string(index) + " acknowledged twice";
        }
    }
    pending.erase(0, start);
}

// True when `payload` is one the child writes, g<generation>-t<0|1>-<n> then (n % 23) 'x's;
// sets its generation.
bool parse_child_payload(const std::string& payload, int& generation) {
    unsigned long long n = 0;
    int thread = -1;
    int consumed = 0;
    if (std::sscanf(payload.c_str(), "g%d-t%d-%llu%n", &generation, &thread, &n, &consumed) != 3) return false;
    if (thread != 0 && thread != 1) return false;
    return payload.substr(static_cast<size_t>(consumed)) == std::string(n % 23, 'x');
}

// Runs a child on `dir` and SIGKILLs it once it has acknowledged `kill_after` entries.
child_result run_child(const std::string& dir, int generation, size_t kill_after) {
    child_result result;
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        result.failure = "pipe";
        return result;
    }
    std::vector<std::string> args = {SLUICE_RAFT_CRASH_CHILD, dir, std::to_string(generation),
                                     std::to_string(snapshot_threshold), std::to_string(snapshot_trailing)};
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    ::close(out[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string pending;
    char buffer[4096];
    for (;;) {
        if (!result.killed && result.acknowledged.size() >= kill_after) {
            ::kill(pid, SIGKILL);
            result.killed = true;
        }
        if (!result.killed && std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            result.failure = "child acknowledged only " + std::to_string(result.acknowledged.size()) + " entries in 20 s";
        }
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break; // EOF: the child is gone (killed, or it failed on its own)
        pending.append(buffer, static_cast<size_t>(n));
        parse_lines(pending, result);
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!result.killed && result.failure.empty()) {
        result.failure = "child exited on its own, status " + std::to_string(status);
    }
    return result;
}

TEST(metadata_quorum_crash, acknowledged_entries_survive_sigkill) {
    temp_dir dir("crash");
    const int iterations = env_int("SLUICE_RAFT_CRASH_ITERATIONS", 3);
    std::mt19937_64 rng(static_cast<uint64_t>(env_int("SLUICE_RAFT_CRASH_SEED", 1)));
    std::map<uint64_t, std::string> acknowledged; // over all generations
    quorum_config config = config_in(dir.path());
    config.snapshot_threshold = snapshot_threshold;
    config.snapshot_trailing = snapshot_trailing;

    for (int generation = 0; generation < iterations; ++generation) {
        const size_t kill_after = 20 + rng() % 400;
        SCOPED_TRACE("generation " + std::to_string(generation) + ", killed after " + std::to_string(kill_after) +
                     " acknowledgements");
        child_result child = run_child(dir.path(), generation, kill_after);
        ASSERT_TRUE(child.failure.empty()) << child.failure;
        for (auto& [index, payload] : child.acknowledged) {
            auto [it, added] = acknowledged.emplace(index, payload);
            ASSERT_TRUE(added) << "index " << index << " acknowledged again (was '" << it->second << "', now '"
                               << payload << "'): an earlier generation's entry was overwritten";
        }

        recording_state_machine sm;
        auto quorum = metadata_quorum::start(config, sm);
        std::map<uint64_t, std::string> log;
        uint64_t previous = 0;
        for (const recorded_entry& e : sm.entries()) {
            ASSERT_GT(e.index, previous);
            previous = e.index;
            std::string payload(e.bytes.begin(), e.bytes.end());
            int written_by = -1;
            ASSERT_TRUE(parse_child_payload(payload, written_by)) << "not a child's entry: '" << payload << "'";
            ASSERT_LE(written_by, generation);
            log.emplace(e.index, payload);
        }
        for (auto& [index, payload] : acknowledged) {
            auto it = log.find(index);
            ASSERT_NE(it, log.end()) << "acknowledged entry " << index << " ('" << payload << "') lost";
            ASSERT_EQ(it->second, payload) << "at index " << index;
        }
    }
}

} // namespace
} // namespace sluice::raft
