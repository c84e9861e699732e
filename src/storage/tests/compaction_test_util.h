#pragma once
// Helpers for the compaction tests: keyed batches, and the whole log read back as records.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "protocol/batch_validator.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"
#include "storage/log.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage::test {

struct kv {
    std::optional<std::string> key;
    std::optional<std::string> value; // nullopt: a tombstone
};

// Records with timestamps first_timestamp_ms + i.
inline byte_buffer keyed_batch(const std::vector<kv>& records, int64_t first_timestamp_ms,
                               protocol::compression_type compression = protocol::compression_type::none) {
    protocol::record_batch_builder builder({.compression = compression});
    for (size_t i = 0; i < records.size(); ++i) {
        const kv& r = records[i];
        builder.append({.timestamp_ms = first_timestamp_ms + static_cast<int64_t>(i),
                        .key = r.key ? std::optional<byte_view>(as_bytes(*r.key)) : std::nullopt,
                        .value = r.value ? std::optional<byte_view>(as_bytes(*r.value)) : std::nullopt});
    }
    protocol::build_result built = builder.build();
    EXPECT_TRUE(built.ok());
    return std::move(built.bytes);
}

struct stored_record {
    int64_t offset = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp = 0;
    bool operator==(const stored_record&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const stored_record& r) {
    return os << "{" << r.offset << " " << r.key.value_or("<null>") << "=" << r.value.value_or("<null>") << " @"
              << r.timestamp << "}";
}

inline std::string to_str(byte_view b) { return std::string(as_chars(b)); }

// Every batch from `from` to the log end, CRC-checked.
inline std::vector<byte_buffer> read_batches(log& l, model::offset from) {
    std::vector<byte_buffer> out;
    model::offset next = from;
    while (next < l.log_end_offset()) {
        auto r = l.read(next, 1 << 20);
        EXPECT_TRUE(r.ok());
        if (!r.ok() || r->range.empty()) break;
        byte_buffer bytes = read_range(*r->range.file, r->range.position, r->range.length);
        std::vector<protocol::record_batch_view> batches;
        EXPECT_EQ(protocol::split_batches(bytes, batches).error, protocol::batch_error::none);
        for (const auto& b : batches) {
            EXPECT_EQ(b.crc(), b.compute_crc());
            out.emplace_back(b.bytes().begin(), b.bytes().end());
            next = model::offset(b.base_offset().value() + b.last_offset_delta() + 1);
        }
    }
    return out;
}

inline std::vector<stored_record> records_of(byte_view batch_bytes) {
    std::vector<stored_record> out;
    protocol::record_batch_view batch(batch_bytes);
    byte_buffer scratch;
    auto opened = protocol::open_records(batch, protocol::decompressed_batch_bytes_max_default, scratch);
    EXPECT_EQ(opened.error, protocol::batch_error::none);
    protocol::record_view r;
    while (opened.reader.next(r)) {
        out.push_back({protocol::record_offset(batch, r).value(),
                       r.key ? std::optional<std::string>(to_str(*r.key)) : std::nullopt,
                       r.value ? std::optional<std::string>(to_str(*r.value)) : std::nullopt,
                       protocol::record_timestamp(batch, r)});
    }
    EXPECT_EQ(opened.reader.error(), protocol::batch_error::none);
    return out;
}

// Every record from `from` on; offsets are checked to increase strictly.
inline std::vector<stored_record> read_records(log& l, model::offset from) {
    std::vector<stored_record> out;
    for (const byte_buffer& b : read_batches(l, from))
        for (stored_record& r : records_of(b)) {
            if (!out.empty()) {
                EXPECT_LT(out.back().offset, r.offset);
            }
            out.push_back(std::move(r));
        }
    return out;
}

inline std::vector<stored_record> read_records(log& l) { return read_records(l, l.log_start_offset()); }

} // namespace sluice::storage::test
