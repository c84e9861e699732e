// The crash test's child (crash_test.cc): appends generated batches to several partitions of
// a real log directory as fast as the group-commit flush service lets it, and writes
// "<partition> <index>\n" to stdout once batch <index> of <partition> is durable (and so
// acknowledged). It runs until SIGKILLed.
//
//   storage_crash_child <log dir> <seed> <first index of partition 0> [<of partition 1> ...]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "storage/completion_queue.h"
#include "storage/log_manager.h"
#include "storage/posix_file_system.h"
#include "storage/tests/crash_batches.h"

using namespace sluice;
using namespace sluice::storage;
using sluice::storage::test::crash_batch;

namespace {

// Unbuffered: the line is in the pipe before the child does anything else.
void acknowledge(int partition, int64_t index) {
    char line[64];
    int n = std::snprintf(line, sizeof line, "%d %lld\n", partition, static_cast<long long>(index));
    if (::write(STDOUT_FILENO, line, static_cast<size_t>(n)) != n) std::_Exit(3);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <log dir> <seed> <first index>...\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
    std::vector<int64_t> next;
    for (int i = 3; i < argc; ++i) next.push_back(std::strtoll(argv[i], nullptr, 10));
    const int partitions = static_cast<int>(next.size());

    posix_file_system fs;
    system_clock clock;
    completion_queue owner;
    // Small segments and frequent checkpoints: kills land in rolls and checkpoint writes too.
    log_dir_config config = log_dir_config_from(dir, {{"log.segment.bytes", "262144"},
                                                      {"log.flush.offset.checkpoint.interval.ms", "20"},
                                                      {"log.flush.start.offset.checkpoint.interval.ms", "20"}});
    auto manager = log_manager::open(fs, clock, config, {.post = owner.poster()});
    if (!manager) {
        std::fprintf(stderr, "open: %s\n", std::string(to_string(manager.error())).c_str());
        return 1;
    }
    std::vector<partition_log*> logs;
    for (int p = 0; p < partitions; ++p) {
        auto created = (*manager)->create({"crash", model::partition_id(p)}, config.defaults);
        if (!created) return 1;
        logs.push_back(*created);
    }
    constexpr int in_flight_max = 16; // unacknowledged batches per partition
    std::vector<int> in_flight(static_cast<size_t>(partitions), 0);
    for (;;) {
        for (int p = 0; p < partitions; ++p) {
            if (in_flight[p] >= in_flight_max) continue;
            byte_buffer batch = crash_batch(seed, p, next[p]);
            auto appended = logs[p]->log->append(batch, model::leader_epoch(0));
            if (!appended) {
                std::fprintf(stderr, "append: %s\n", std::string(to_string(appended.error())).c_str());
                return 1;
            }
            int64_t index = next[p]++;
            ++in_flight[p];
            logs[p]->syncer->wait_durable(model::offset(appended->last_offset.value() + 1),
                                          [p, index, &in_flight](storage_errc e) {
                                              if (e != storage_errc::none) std::_Exit(4);
                                              --in_flight[p];
                                              acknowledge(p, index);
                                          });
        }
        owner.run_for(std::chrono::microseconds(200));
        if ((*manager)->tick() != storage_errc::none) return 1;
    }
}
