// Storage benchmarks (not Google Benchmark: each prints key=value lines that
// bench/storage_vs_fio.sh sets beside fio's numbers for the same write size and sync cadence).
//
//   storage_bench append     <dir> <MiB> <records per batch> <window> [<partitions>=1]
//                            window 0: page cache only; else acks=all with at most <window>
//                            batches unsynced per partition
//   storage_bench read       <dir> <samples>       read-by-offset latency over the log `append` left
//   storage_bench recovery   <dir> <MiB>           open time of an unsynced tail of <MiB>
//   storage_bench partitions <dir> <count>         memory per idle partition; clean start time
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "protocol/record_batch_builder.h"
#include "storage/completion_queue.h"
#include "storage/flush_service.h"
#include "storage/log.h"
#include "storage/log_manager.h"
#include "storage/log_syncer.h"
#include "storage/posix_file_system.h"

using namespace sluice;
using namespace sluice::storage;
using steady = std::chrono::steady_clock;

namespace {

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

byte_buffer make_batch(int records) {
    protocol::record_batch_builder builder({});
    std::string value(1024, 'v');
    for (int i = 0; i < records; ++i)
        builder.append({.timestamp_ms = 1'700'000'000'000 + i, .key = std::nullopt, .value = as_bytes(value)});
    return std::move(builder.build().bytes);
}

size_t rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    size_t pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return pages_resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

size_t open_descriptors() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

const std::string partition = "bench-0";

// `partitions` logs appended round-robin, each with at most `window` unsynced batches: one
// flush-service round syncs every partition that has pending appends (group commit across
// partitions).
int append(const std::string& dir, int64_t mib, int records, int window, int partitions) {
    std::filesystem::remove_all(dir);
    posix_file_system fs;
    system_clock clock;
    completion_queue owner;
    flush_service service(fs);
    service.start();
    std::vector<std::unique_ptr<storage::log>> logs;
    std::vector<std::unique_ptr<log_syncer>> syncers;
    for (int p = 0; p < partitions; ++p) {
        std::string name = p == 0 ? partition : "bench-" + std::to_string(p);
        logs.push_back(std::move(*log::open(fs, dir + "/" + name, {}, clock, {})));
        syncers.push_back(std::make_unique<log_syncer>(*logs.back(), service, owner.poster(), flush_settings{}, clock));
    }
    byte_buffer batch = make_batch(records);
    const int64_t total = mib << 20;
    int64_t written = 0, appends = 0;
    int in_flight_total = 0;
    std::vector<int> in_flight(static_cast<size_t>(partitions), 0);
    std::vector<double> ack_us;
    auto start = steady::now();
    while (written < total || in_flight_total > 0) {
        bool appended_any = false;
        for (int p = 0; p < partitions && written < total; ++p) {
            if (window > 0 && in_flight[p] >= window) continue;
            auto appended = logs[p]->append(batch, model::leader_epoch(0));
            if (!appended) return std::fprintf(stderr, "append failed\n"), 1;
            written += static_cast<int64_t>(batch.size());
            ++appends;
            appended_any = true;
            if (window > 0) {
                ++in_flight[p];
                ++in_flight_total;
                auto sent = steady::now();
                syncers[p]->wait_durable(model::offset(appended->last_offset.value() + 1), [&, p, sent](storage_errc e) {
                    if (e != storage_errc::none) std::abort();
                    --in_flight[p];
                    --in_flight_total;
                    ack_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - sent).count());
                });
            }
        }
        if (window > 0) {
            if (appended_any) owner.run_ready();
            else owner.run_for(std::chrono::milliseconds(10));
        }
    }
    double elapsed = seconds_since(start);
    service.stop();
    flush_service::stats stats = service.statistics();
    std::printf("partitions=%d\nbatch_bytes=%zu\nappends=%lld\nseconds=%.3f\nMBps=%.1f\nrounds=%llu\nfile_syncs=%llu\n",
                partitions, batch.size(), static_cast<long long>(appends), elapsed, written / elapsed / 1e6,
                static_cast<unsigned long long>(stats.rounds), static_cast<unsigned long long>(stats.file_syncs));
    if (stats.file_syncs > 0) std::printf("appends_per_sync=%.2f\n", double(appends) / double(stats.file_syncs));
    if (stats.rounds > 0) std::printf("appends_per_round=%.2f\n", double(appends) / double(stats.rounds));
    if (!ack_us.empty()) {
        std::sort(ack_us.begin(), ack_us.end());
        std::printf("ack_p50_us=%.0f\nack_p99_us=%.0f\n", ack_us[ack_us.size() / 2], ack_us[ack_us.size() * 99 / 100]);
    }
    for (auto& l : logs)
        if (l->close() != storage_errc::none) return 1;
    return 0;
}

int read(const std::string& dir, int samples) {
    posix_file_system fs;
    system_clock clock;
    auto l = std::move(*log::open(fs, dir + "/" + partition, {}, clock, {.clean_shutdown = true}));
    std::mt19937_64 random(1);
    std::uniform_int_distribution<int64_t> offsets(0, l->log_end_offset().value() - 1);
    std::vector<double> lookup_us, read_us;
    byte_buffer buffer(1 << 20);
    for (int i = 0; i < samples; ++i) {
        auto start = steady::now();
        auto r = l->read(model::offset(offsets(random)), 64 * 1024); // a fetch's partition max bytes
        auto found = steady::now();
        if (!r || r->range.empty()) return std::fprintf(stderr, "read failed\n"), 1;
        if (!r->range.file->read_at(r->range.position, std::span(buffer).first(r->range.length))) return 1;
        lookup_us.push_back(std::chrono::duration<double, std::micro>(found - start).count());
        read_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - start).count());
    }
    std::sort(lookup_us.begin(), lookup_us.end());
    std::sort(read_us.begin(), read_us.end());
    auto pct = [&](std::vector<double>& v, int p) { return v[v.size() * static_cast<size_t>(p) / 100]; };
    std::printf("samples=%d\nlookup_p50_us=%.2f\nlookup_p99_us=%.2f\nlookup_and_pread_p50_us=%.2f\n"
                "lookup_and_pread_p99_us=%.2f\n",
                samples, pct(lookup_us, 50), pct(lookup_us, 99), pct(read_us, 50), pct(read_us, 99));
    return 0;
}

int recovery(const std::string& dir, int64_t mib) {
    std::filesystem::remove_all(dir);
    posix_file_system fs;
    system_clock clock;
    {
        auto l = std::move(*log::open(fs, dir + "/" + partition, {}, clock, {}));
        byte_buffer batch = make_batch(16);
        for (int64_t written = 0; written < (mib << 20); written += static_cast<int64_t>(batch.size()))
            if (!l->append(batch, model::leader_epoch(0))) return 1;
        // Dropped without flush or close: recovery point 0, no marker, no index files.
    }
    auto start = steady::now();
    auto l = std::move(*log::open(fs, dir + "/" + partition, {}, clock, {}));
    double elapsed = seconds_since(start);
    const log_recovery_report& r = l->recovery_report();
    std::printf("recovered_bytes=%llu\nrecovered_batches=%lld\nrecovery_seconds=%.3f\nrecovery_MBps=%.1f\n",
                static_cast<unsigned long long>(r.bytes_scanned), static_cast<long long>(r.batches_scanned), elapsed,
                double(r.bytes_scanned) / elapsed / 1e6);
    return 0;
}

int partitions(const std::string& dir, int count) {
    std::filesystem::remove_all(dir);
    posix_file_system fs;
    system_clock clock;
    completion_queue owner;
    log_dir_config config = log_dir_config_from(dir, {});
    size_t fds_before = open_descriptors();
    size_t before = rss_bytes();
    {
        auto m = std::move(*log_manager::open(fs, clock, config, {.post = owner.poster()}));
        size_t after_open = rss_bytes();
        auto start = steady::now();
        for (int i = 0; i < count; ++i)
            if (!m->create({"idle", model::partition_id(i)}, config.defaults)) return 1;
        double create_s = seconds_since(start);
        size_t after = rss_bytes();
        std::printf("partitions=%d\ncreate_seconds=%.2f\nrss_per_partition_bytes=%.0f\nopen_files=%zu\n"
                    "descriptors=%zu\nmax_open_files=%zu\n",
                    count, create_s, double(after - after_open) / count, m->files().open_files(),
                    open_descriptors() - fds_before, m->files().max_open_files());
        if (m->shutdown() != storage_errc::none) return 1;
    }
    size_t before_reopen = rss_bytes();
    auto start = steady::now();
    auto m = std::move(*log_manager::open(fs, clock, config, {.post = owner.poster()}));
    double open_s = seconds_since(start);
    std::printf("clean_start_seconds=%.2f\nclean_start_segments_scanned=%zu\nrss_per_partition_after_start_bytes=%.0f\n"
                "rss_total_MiB=%.1f\n",
                open_s, m->load_report().segments_scanned,
                double(rss_bytes() - std::min(before_reopen, before)) / count, rss_bytes() / 1048576.0);
    (void)m->shutdown();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: storage_bench append|read|recovery|partitions <dir> <args...>\n");
        return 2;
    }
    std::string command = argv[1], dir = argv[2];
    if (command == "append" && (argc == 6 || argc == 7))
        return append(dir, std::atoll(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]), argc == 7 ? std::atoi(argv[6]) : 1);
    if (command == "read") return read(dir, std::atoi(argv[3]));
    if (command == "recovery") return recovery(dir, std::atoll(argv[3]));
    if (command == "partitions") return partitions(dir, std::atoi(argv[3]));
    std::fprintf(stderr, "bad arguments\n");
    return 2;
}
