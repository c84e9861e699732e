// Fuzzes everything that reads untrusted record bytes: batch framing, validation, record and
// header iteration, control records and the decompressors (bounded at 1 MiB).
//
// The first input byte picks a mode. Raw bytes rarely get past the CRC, so one mode wraps the
// input in a header with a correct CRC and length, letting the fuzzer reach the record parser
// and every codec through the batch path; another checks codec round trips; another checks
// that whatever the builder writes validates and reads back identically.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/crc32c.h"
#include "base/endian.h"
#include "protocol/batch_validator.h"
#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"

namespace {

using namespace sluice;
using namespace sluice::protocol;

constexpr size_t bound_bytes = 1 << 20;

#define FUZZ_CHECK(cond)                  \
    do {                                  \
        if (!(cond)) __builtin_trap();    \
    } while (0)

byte_buffer& scratch() {
    static byte_buffer buffer;
    return buffer;
}

// Reads every record and header, touching each byte the views point at.
void drain(record_batch_view batch) {
    records_open_result opened = open_records(batch, bound_bytes, scratch());
    if (opened.error != batch_error::none) return;
    record_view record;
    uint64_t sum = 0;
    while (opened.reader.next(record)) {
        sum += static_cast<uint64_t>(record_timestamp(batch, record)) + record_offset(batch, record).value();
        if (record.key)
            for (uint8_t b : *record.key) sum += b;
        if (record.value)
            for (uint8_t b : *record.value) sum += b;
        header_reader headers(record);
        record_header_view header;
        int32_t seen = 0;
        while (headers.next(header)) {
            sum += header.key.size() + (header.value ? header.value->size() : 0);
            ++seen;
        }
        // The reader checked the headers, so the header reader must see all of them.
        FUZZ_CHECK(seen == record.headers_count);
        control_key key;
        if (batch.is_control() && parse_control_key(record.key, key)) sum += static_cast<uint16_t>(key.type);
    }
    volatile uint64_t sink = sum;
    (void)sink;
}

void check_batches(byte_view input) {
    std::vector<record_batch_view> views;
    split_result split = split_batches(input, views);
    FUZZ_CHECK(split.valid_bytes <= input.size());
    for (record_batch_view v : views) {
        for (bool from_client : {true, false}) {
            validate_options options;
            options.from_client = from_client;
            options.decompressed_bytes_max = bound_bytes;
            validate_result r = validate_batch(v, options, scratch());
            if (r.ok()) FUZZ_CHECK(r.summary.record_count == v.records_count());
        }
        drain(v);
    }
}

// The input as one batch: its first bytes become the header (magic, length, CRC made right).
void check_wrapped(byte_view input) {
    byte_buffer batch(batch_format::header_bytes, 0);
    size_t header = std::min(input.size(), batch_format::header_bytes);
    std::memcpy(batch.data(), input.data(), header);
    batch.insert(batch.end(), input.begin() + static_cast<std::ptrdiff_t>(header), input.end());
    be::store<int32_t>(batch.data() + batch_format::batch_length_at,
                       static_cast<int32_t>(batch.size() - batch_format::log_overhead_bytes));
    batch[batch_format::magic_at] = batch_format::magic_v2;
    be::store<uint32_t>(batch.data() + batch_format::crc_at,
                        crc32c(byte_view(batch).subspan(batch_format::attributes_at)));
    check_batches(batch);
}

void check_codec(byte_view input) {
    if (input.empty()) return;
    auto type = static_cast<compression_type>(input[0] % (compression_type_max + 1));
    codec_result out = decompress(type, input.subspan(1), bound_bytes);
    FUZZ_CHECK(out.bytes.size() <= bound_bytes);
    if (!out.ok()) return;
    codec_result again = compress(type, out.bytes);
    FUZZ_CHECK(again.ok());
    codec_result back = decompress(type, again.bytes, bound_bytes);
    FUZZ_CHECK(back.ok() && back.bytes == out.bytes);
}

// Records cut from the input by its own bytes; the built batch must validate and read back.
void check_builder(byte_view input) {
    if (input.size() < 2) return;
    batch_builder_options options;
    options.compression = static_cast<compression_type>(input[0] % (compression_type_max + 1));
    record_batch_builder builder(options);
    std::vector<byte_view> values;
    size_t pos = 1;
    while (pos < input.size()) {
        size_t n = std::min<size_t>(input[pos] % 64, input.size() - pos - 1);
        values.push_back(input.subspan(pos + 1, n));
        pos += 1 + n;
    }
    for (size_t i = 0; i < values.size(); ++i) {
        header_input header{values[i].first(values[i].size() / 2), std::nullopt};
        builder.append({.timestamp_ms = static_cast<int64_t>(i) * 1000,
                        .key = i % 3 ? std::optional<byte_view>(values[i]) : std::nullopt,
                        .value = values[i],
                        .headers = {&header, i % 2}});
    }
    build_result built = builder.build();
    FUZZ_CHECK(built.ok());
    batch_parse_result parsed = parse_batch(built.bytes);
    FUZZ_CHECK(parsed.error == batch_error::none);
    validate_options strict;
    strict.strict_max_timestamp = true;
    strict.from_client = !values.empty();
    validate_result r = validate_batch(parsed.batch, strict, scratch());
    FUZZ_CHECK(r.ok());
    records_open_result opened = open_records(parsed.batch, 64 << 20, scratch());
    FUZZ_CHECK(opened.error == batch_error::none);
    record_view record;
    for (size_t i = 0; i < values.size(); ++i) {
        FUZZ_CHECK(opened.reader.next(record));
        FUZZ_CHECK(record.value && record.value->size() == values[i].size() &&
                   std::equal(values[i].begin(), values[i].end(), record.value->begin()));
        FUZZ_CHECK(record.offset_delta == static_cast<int32_t>(i));
    }
    FUZZ_CHECK(!opened.reader.next(record) && opened.reader.error() == batch_error::none);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    byte_view input(data + 1, size - 1);
    switch (data[0] % 4) {
    case 0: check_batches(input); break;
    case 1: check_wrapped(input); break;
    case 2: check_codec(input); break;
    case 3: check_builder(input); break;
    }
    return 0;
}
