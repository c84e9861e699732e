// CRC-32C throughput: isa-l (what the broker uses) against the byte-at-a-time table (the test
// oracle), over buffer sizes from a small record to a large batch.
#include <benchmark/benchmark.h>

#include <random>

#include "base/crc32c.h"

namespace {

sluice::byte_buffer random_buffer(size_t n) {
    std::mt19937 rng(1);
    sluice::byte_buffer b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

template <uint32_t (*crc)(sluice::byte_view, uint32_t) noexcept>
void bm_crc(benchmark::State& state) {
    const sluice::byte_buffer data = random_buffer(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(crc(data, 0));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void bm_crc32c_isal(benchmark::State& state) { bm_crc<sluice::crc32c>(state); }
void bm_crc32c_table(benchmark::State& state) { bm_crc<sluice::crc32c_table>(state); }

} // namespace

BENCHMARK(bm_crc32c_isal)->Arg(1 << 20)->Arg(64 << 10)->Arg(1 << 10);
BENCHMARK(bm_crc32c_table)->Arg(1 << 20)->Arg(64 << 10)->Arg(1 << 10);
BENCHMARK_MAIN();
