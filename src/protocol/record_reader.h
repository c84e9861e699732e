#pragma once
// Zero-copy iteration over the records of a batch (record format of record batch v2,
// docs/formats/record_batch.md). The readers never read outside the bytes they were given:
// malformed input ends the iteration with an error value.
//
// Views returned point into the reader's bytes (the batch, or the caller's decompression
// scratch buffer) and live as long as those bytes. Not thread-safe; one reader per thread.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/ids.h"
#include "protocol/batch_error.h"
#include "protocol/record_batch.h"

namespace sluice::protocol {

struct record_header_view {
    byte_view key;                  // a header key is never null
    std::optional<byte_view> value; // nullopt for a null value
};

struct record_view {
    int8_t attributes = 0; // unused by Kafka so far
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<byte_view> key;   // nullopt for a null key
    std::optional<byte_view> value; // nullopt for a null value (a tombstone)
    int32_t headers_count = 0;
    byte_view headers_bytes; // the headers, already checked well-formed: read with header_reader
    size_t size_bytes = 0;   // the whole encoded record, length prefix included
};

// The headers of a record the record_reader accepted.
class header_reader {
public:
    explicit header_reader(const record_view& record) noexcept
        : _bytes(record.headers_bytes), _left(record.headers_count) {}
    // Reads the next header into `out`; false after the last one.
    bool next(record_header_view& out) noexcept;

private:
    byte_view _bytes;
    size_t _pos = 0;
    int32_t _left = 0;
};

class record_reader {
public:
    record_reader() = default;
    // `records`: the (decompressed) records section of a batch.
    explicit record_reader(byte_view records) noexcept : _bytes(records) {}

    // Reads the next record into `out`. Returns false at the end of the bytes, or when the
    // next record is malformed: then error() is invalid_record and the reader stays stopped.
    bool next(record_view& out) noexcept;
    batch_error error() const noexcept { return _error; }
    bool at_end() const noexcept { return _pos == _bytes.size(); }
    size_t position() const noexcept { return _pos; }

private:
    byte_view _bytes;
    size_t _pos = 0;
    batch_error _error = batch_error::none;
};

struct records_open_result {
    batch_error error = batch_error::none; // decompression_failed, too_large, bad_attributes
    record_reader reader;
};

// A reader over `batch`'s records: over the batch's own bytes when uncompressed, else over
// `scratch`, into which they are decompressed (at most `decompressed_bytes_max` bytes).
// `scratch` must outlive the reader; reuse it across batches to keep its capacity.
records_open_result open_records(record_batch_view batch, size_t decompressed_bytes_max, byte_buffer& scratch);

// A record's timestamp as Kafka reports it: the batch's max_timestamp under LogAppendTime,
// else base_timestamp + timestamp_delta (wrapping, never undefined, on unvalidated input).
int64_t record_timestamp(record_batch_view batch, const record_view& record) noexcept;
model::offset record_offset(record_batch_view batch, const record_view& record) noexcept;

} // namespace sluice::protocol
