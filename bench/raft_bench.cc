// Metadata quorum benchmarks (docs/decisions/0002-raft-library.md). Plain key=value output.
//
//   raft_bench latency  <dir> <count> <entry bytes>
//       one proposal in flight: propose -> done (fsync'd, committed, applied) round trip
//   raft_bench pipeline <dir> <count> <entry bytes> <window>
//       at most <window> proposals in flight: entries/s
//   raft_bench replay   <dir> <count> <entry bytes> <snapshot threshold>
//       writes <count> entries, stops, then times start(): snapshot restore + tail replay
//
// <dir> is removed first. The state machine keeps every entry (a stand-in for the metadata
// image), so its snapshot grows with the log.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "base/endian.h"
#include "raft/metadata_quorum.h"

using namespace sluice;
using namespace sluice::raft;
using steady = std::chrono::steady_clock;

namespace {

class keeping_state_machine final : public state_machine {
public:
    void apply(uint64_t, byte_view entry) override { _entries.emplace_back(entry.begin(), entry.end()); }
    byte_buffer snapshot() override {
        byte_buffer out;
        for (const byte_buffer& e : _entries) {
            size_t at = out.size();
            out.resize(at + 4 + e.size());
            be::store<uint32_t>(out.data() + at, static_cast<uint32_t>(e.size()));
            std::copy(e.begin(), e.end(), out.begin() + static_cast<ptrdiff_t>(at + 4));
        }
        return out;
    }
    void restore(byte_view s) override {
        _entries.clear();
        for (size_t at = 0; at + 4 <= s.size();) {
            uint32_t n = be::load<uint32_t>(s.data() + at);
            _entries.emplace_back(s.begin() + static_cast<ptrdiff_t>(at + 4), s.begin() + static_cast<ptrdiff_t>(at + 4 + n));
            at += 4 + n;
        }
    }
    size_t size() const { return _entries.size(); }

private:
    std::vector<byte_buffer> _entries;
};

// Proposals in flight, waited on by the bench thread.
class window {
public:
    explicit window(size_t limit) : _limit(limit) {}
    void acquire() {
        std::unique_lock lock(_mutex);
        _changed.wait(lock, [&] { return _in_flight < _limit; });
        ++_in_flight;
    }
    void release(std::error_code ec) {
        if (ec) {
            std::fprintf(stderr, "proposal failed: %s\n", ec.message().c_str());
            std::exit(1);
        }
        std::lock_guard lock(_mutex);
        --_in_flight;
        _changed.notify_all();
    }
    void drain() {
        std::unique_lock lock(_mutex);
        _changed.wait(lock, [&] { return _in_flight == 0; });
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    size_t _limit;
    size_t _in_flight = 0;
};

quorum_config config_for(const std::string& dir) {
    quorum_config config;
    config.dir = dir;
    return config;
}

double ms_since(steady::time_point start) {
    return std::chrono::duration<double, std::milli>(steady::now() - start).count();
}

void propose_all(metadata_quorum& quorum, size_t count, size_t bytes, size_t in_flight, std::vector<double>* latencies_us) {
    window w(in_flight);
    byte_buffer entry(bytes, 'm');
    for (size_t i = 0; i < count; ++i) {
        w.acquire();
        auto start = steady::now();
        quorum.propose(entry, [&w, start, latencies_us](std::error_code ec, uint64_t) {
            if (latencies_us) latencies_us->push_back(ms_since(start) * 1000);
            w.release(ec);
        });
    }
    w.drain();
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

int latency(const std::string& dir, size_t count, size_t bytes) {
    keeping_state_machine sm;
    auto quorum = metadata_quorum::start(config_for(dir), sm);
    std::vector<double> us;
    us.reserve(count);
    propose_all(*quorum, count, bytes, 1, &us);
    std::printf("latency_entries=%zu entry_bytes=%zu p50_us=%.0f p99_us=%.0f max_us=%.0f\n", count, bytes,
                percentile(us, 0.5), percentile(us, 0.99), percentile(us, 1.0));
    return 0;
}

int pipeline(const std::string& dir, size_t count, size_t bytes, size_t in_flight) {
    keeping_state_machine sm;
    auto quorum = metadata_quorum::start(config_for(dir), sm);
    auto start = steady::now();
    propose_all(*quorum, count, bytes, in_flight, nullptr);
    double ms = ms_since(start);
    std::printf("pipeline_entries=%zu entry_bytes=%zu window=%zu entries_per_s=%.0f\n", count, bytes, in_flight,
                static_cast<double>(count) / ms * 1000);
    return 0;
}

int replay(const std::string& dir, size_t count, size_t bytes, uint64_t threshold) {
    quorum_config config = config_for(dir);
    config.snapshot_threshold = threshold;
    config.snapshot_trailing = std::min<uint64_t>(threshold / 4, 1024);
    {
        keeping_state_machine sm;
        auto quorum = metadata_quorum::start(config, sm);
        propose_all(*quorum, count, bytes, 256, nullptr);
    }
    keeping_state_machine sm;
    auto start = steady::now();
    auto quorum = metadata_quorum::start(config, sm);
    double ms = ms_since(start);
    std::printf("replay_entries=%zu entry_bytes=%zu snapshot_threshold=%llu start_ms=%.1f applied=%zu\n", count, bytes,
                static_cast<unsigned long long>(threshold), ms, sm.size());
    return sm.size() == count ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s latency|pipeline|replay <dir> <count> <entry bytes> [<window>|<threshold>]\n", argv[0]);
        return 2;
    }
    std::string mode = argv[1], dir = argv[2];
    size_t count = std::strtoull(argv[3], nullptr, 10), bytes = std::strtoull(argv[4], nullptr, 10);
    uint64_t extra = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 0;
    std::filesystem::remove_all(dir);
    if (mode == "latency") return latency(dir, count, bytes);
    if (mode == "pipeline") return pipeline(dir, count, bytes, extra ? extra : 64);
    if (mode == "replay") return replay(dir, count, bytes, extra ? extra : 4096);
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
}
