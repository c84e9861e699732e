// Decoding a Produce request (frame -> header -> body) holding N bytes of records. The records
// field is a view into the receive buffer, so the cost must not grow with N; the CRC check
// (bm_decode_and_crc) is the only per-byte work before an append.
#include <benchmark/benchmark.h>

#include <string>

#include "base/crc32c.h"
#include "protocol/generated/all_messages.h"
#include "protocol/record_batch_format.h"
#include "protocol/record_batch_builder.h"
#include "protocol/request_frame.h"

namespace {

using namespace sluice;
using namespace sluice::protocol;

// A Produce v9 frame (flexible) with one batch of `record_count` 1 KiB records.
bytes_value make_frame(int record_count) {
    record_batch_builder builder(batch_builder_options{});
    std::string value(1024, 'v');
    for (int i = 0; i < record_count; ++i) {
        builder.append({.timestamp_ms = 1700000000000 + i, .key = std::nullopt, .value = as_bytes(value)});
    }
    byte_buffer batch = builder.build().bytes;

    msg::produce_request req;
    req.acks = -1;
    req.timeout_ms = 30000;
    auto& topic = req.topic_data.emplace_back();
    topic.name = "bench";
    auto& part = topic.partition_data.emplace_back();
    part.index = model::partition_id{0};
    part.records = records_view{byte_view(batch.data(), batch.size())};

    msg::request_header header;
    header.request_api_key = 0;
    header.request_api_version = 9;
    header.correlation_id = 1;
    header.client_id = "bench";
    bytes_value frame = header.encode(2);
    bytes_value body = req.encode(9);
    frame.insert(frame.end(), body.begin(), body.end());
    return frame;
}

void bm_decode(benchmark::State& state) {
    const bytes_value frame = make_frame(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        request_frame f = parse_request_frame(frame);
        msg::produce_request req;
        bool ok = req.decode(f.body, f.api_version);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(req.topic_data[0].partition_data[0].records->data.data());
    }
    state.SetLabel(std::to_string(frame.size()) + " B request");
    state.counters["ns_per_request"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void bm_decode_and_crc(benchmark::State& state) {
    const bytes_value frame = make_frame(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        request_frame f = parse_request_frame(frame);
        msg::produce_request req;
        req.decode(f.body, f.api_version);
        byte_view records = req.topic_data[0].partition_data[0].records->data;
        uint32_t crc = crc32c(records.subspan(batch_format::attributes_at));
        benchmark::DoNotOptimize(crc);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(frame.size()));
}

} // namespace

// 1 record (~1 KiB) up to 1024 records (1 MiB): decode time should stay flat.
BENCHMARK(bm_decode)->Arg(1)->Arg(64)->Arg(1024);
BENCHMARK(bm_decode_and_crc)->Arg(1024);
BENCHMARK_MAIN();
