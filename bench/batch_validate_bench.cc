// Validation throughput of 1 MiB of 1 KiB records, the work a Produce request costs before its
// batches may be appended: framing, CRC, attributes, every record, decompression.
// Layouts: one batch of 1024 records, or 16 batches of 64 KiB (64 records each).
// Bytes processed are the uncompressed records (1 MiB per iteration).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/batch_validator.h"
#include "protocol/record_batch_builder.h"

namespace {

using namespace sluice;
using namespace sluice::protocol;

constexpr int record_bytes = 1024;
constexpr int records_total = 1024;

// Values of log-line-like text: compressible about as much as real payloads.
std::string value_for(int i, std::mt19937& rng) {
    static constexpr const char* words[] = {"GET ", "/api/v1/orders ", "200 ", "user=", "latency_ms=", "shard-"};
    std::string v;
    while (v.size() < record_bytes) v += words[rng() % 6] + std::to_string(rng() % 10000) + " ";
    v.resize(record_bytes);
    return v;
}

// The request's `records`: `batches` batches concatenated.
byte_buffer make_records(compression_type codec, int batches) {
    std::mt19937 rng(7);
    byte_buffer out;
    const int per_batch = records_total / batches;
    for (int b = 0; b < batches; ++b) {
        batch_builder_options options;
        options.compression = codec;
        record_batch_builder builder(options);
        std::vector<std::string> values;
        for (int i = 0; i < per_batch; ++i) values.push_back(value_for(i, rng));
        for (int i = 0; i < per_batch; ++i) {
            std::string key = "key-" + std::to_string(i);
            builder.append({.timestamp_ms = 1700000000000 + i, .key = as_bytes(key), .value = as_bytes(values[i])});
        }
        byte_buffer batch = builder.build().bytes;
        out.insert(out.end(), batch.begin(), batch.end());
    }
    return out;
}

void bm_validate(benchmark::State& state) {
    const auto codec = static_cast<compression_type>(state.range(0));
    const auto batches = static_cast<int>(state.range(1));
    const byte_buffer records = make_records(codec, batches);
    byte_buffer scratch;
    std::vector<record_batch_view> views;
    validate_options options;
    size_t records_bytes = 0;
    for (auto _ : state) {
        views.clear();
        if (split_batches(records, views).error != batch_error::none) state.SkipWithError("split failed");
        records_bytes = 0;
        for (record_batch_view v : views) {
            validate_result r = validate_batch(v, options, scratch);
            if (!r.ok()) state.SkipWithError("validation failed");
            records_bytes += r.summary.records_bytes;
        }
        benchmark::DoNotOptimize(records_bytes);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * records_bytes));
    state.SetLabel(std::string(to_string(codec)) + ", " + std::to_string(batches) + " batch(es), " +
                   std::to_string(records.size() / 1024) + " KiB on the wire");
}

} // namespace

BENCHMARK(bm_validate)
    ->ArgNames({"codec", "batches"})
    ->ArgsProduct({{static_cast<int64_t>(compression_type::none), static_cast<int64_t>(compression_type::lz4),
                    static_cast<int64_t>(compression_type::zstd)},
                   {1, 16}});
BENCHMARK_MAIN();
