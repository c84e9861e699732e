#include "protocol/batch_validator.h"

#include <gtest/gtest.h>

#include "base/varint.h"
#include "protocol/control_record.h"
#include "protocol/record_reader.h"
#include "protocol/tests/batch_test_util.h"

namespace sluice::protocol {
namespace {

using namespace test;

TEST(validate_batch, accepts_built_batches_of_every_codec) {
    for (int c = 0; c <= compression_type_max; ++c) {
        byte_buffer b = sample_batch(100, {.compression = static_cast<compression_type>(c)});
        validate_result r = validate(b);
        ASSERT_TRUE(r.ok()) << c << ": " << to_string(r.error);
        EXPECT_EQ(r.summary.record_count, 100);
        EXPECT_EQ(r.summary.min_timestamp, 1000);
        EXPECT_EQ(r.summary.max_timestamp, 1099);
        EXPECT_EQ(r.summary.max_timestamp_offset_delta, 99);
        EXPECT_EQ(r.summary.records_bytes, view_of(sample_batch(100)).records_bytes().size());
        EXPECT_EQ(r.record_index, -1);
    }
}

// Flipping any byte is caught by the field it lands in: the CRC covers everything from the
// attributes on; the fields before it are checked on their own.
TEST(validate_batch, rejects_a_flipped_byte_in_every_region) {
    const byte_buffer good = sample_batch(3);
    for (size_t i = 0; i < good.size(); ++i) {
        byte_buffer b = good;
        b[i] ^= 0xff;
        validate_result r = validate(b);
        if (i < 8) {
            EXPECT_EQ(r.error, batch_error::bad_offsets) << i; // clients send base offset 0
        } else if (i < 12) {
            EXPECT_TRUE(r.error == batch_error::bad_length || r.error == batch_error::truncated) << i;
        } else if (i < 16) {
            EXPECT_TRUE(r.ok()) << i; // partition_leader_epoch: not covered by the CRC, in Kafka either
        } else if (i == 16) {
            EXPECT_EQ(r.error, batch_error::bad_magic);
        } else {
            EXPECT_EQ(r.error, batch_error::crc_mismatch) << i;
        }
    }
}

TEST(validate_batch, rejects_a_single_bit_flip_anywhere_in_a_compressed_batch) {
    const byte_buffer good = sample_batch(20, {.compression = compression_type::zstd});
    for (size_t i = 17; i < good.size(); ++i) {
        byte_buffer b = good;
        b[i] ^= 0x10;
        ASSERT_EQ(validate(b).error, batch_error::crc_mismatch) << i;
    }
}

TEST(validate_batch, rejects_every_truncation) {
    const byte_buffer good = sample_batch(4);
    for (size_t n = 0; n < good.size(); ++n) {
        byte_buffer b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        ASSERT_EQ(validate(b).error, batch_error::truncated) << n;
    }
    // A view whose length disagrees with batch_length is refused even without parse_batch.
    byte_buffer scratch;
    byte_buffer b = good;
    b.pop_back();
    EXPECT_EQ(validate_batch(record_batch_view(b), {}, scratch).error, batch_error::bad_length);
}

TEST(validate_batch, reports_old_message_formats) {
    byte_buffer b = sample_batch(1);
    b[16] = 0;
    EXPECT_EQ(validate(b).error, batch_error::old_magic);
    b[16] = 1;
    EXPECT_EQ(validate(b).error, batch_error::old_magic);
    EXPECT_EQ(kafka_error_code(validate(b).error), kafka_invalid_record);
}

TEST(validate_batch, checks_record_count_against_records) {
    byte_buffer b = sample_batch(3);
    patch<int32_t>(b, batch_format::records_count_at, 4); // last_offset_delta still 2
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::last_offset_delta_at, 3); // consistent header, one record missing
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::records_count_at, 2);
    patch<int32_t>(b, batch_format::last_offset_delta_at, 1); // one record too many
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::records_count_at, -1);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::records_count_at, INT32_MAX);
    patch<int32_t>(b, batch_format::last_offset_delta_at, INT32_MAX - 1);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
}

TEST(validate_batch, checks_last_offset_delta) {
    byte_buffer b = sample_batch(3);
    patch<int32_t>(b, batch_format::last_offset_delta_at, 5);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    // From a leader a larger delta is what compaction leaves behind.
    EXPECT_TRUE(validate(b, from_leader()).ok());
    patch<int32_t>(b, batch_format::last_offset_delta_at, 1); // fewer than the records
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::last_offset_delta_at, -1);
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_record_count);
}

TEST(validate_batch, counts_records_after_decompression) {
    byte_buffer b = sample_batch(10, {.compression = compression_type::lz4});
    patch<int32_t>(b, batch_format::records_count_at, 11);
    patch<int32_t>(b, batch_format::last_offset_delta_at, 10);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    patch<int32_t>(b, batch_format::records_count_at, 9);
    patch<int32_t>(b, batch_format::last_offset_delta_at, 8);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
}

TEST(validate_batch, rejects_unknown_codecs_and_inconsistent_control_batches) {
    for (int16_t codec : {5, 6, 7}) {
        byte_buffer b = sample_batch(1);
        patch<int16_t>(b, batch_format::attributes_at, codec);
        EXPECT_EQ(validate(b).error, batch_error::bad_attributes) << codec;
    }
    byte_buffer b = sample_batch(1, {.producer_id = model::producer_id(5), .producer_epoch = model::producer_epoch(0),
                                     .base_sequence = 0});
    patch<int16_t>(b, batch_format::attributes_at, batch_format::control_bit); // not transactional
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_attributes);
    patch<int16_t>(b, batch_format::attributes_at, batch_format::control_bit | batch_format::transactional_bit | 1);
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_attributes); // compressed
}

byte_buffer marker_batch(control_record_type type) {
    record_batch_builder builder({.producer_id = model::producer_id(42),
                                  .producer_epoch = model::producer_epoch(3),
                                  .transactional = true,
                                  .control = true});
    auto key = encode_control_key(type);
    auto value = encode_end_txn_marker(7);
    builder.append({.timestamp_ms = 99, .key = byte_view(key), .value = byte_view(value)});
    return builder.build().bytes;
}

TEST(validate_batch, accepts_transaction_markers_from_the_coordinator_only) {
    for (auto type : {control_record_type::commit, control_record_type::abort}) {
        byte_buffer b = marker_batch(type);
        EXPECT_TRUE(validate(b, from_leader()).ok());
        EXPECT_EQ(validate(b).error, batch_error::control_from_client);
    }
}

TEST(validate_batch, rejects_malformed_control_records) {
    record_batch_builder builder({.producer_id = model::producer_id(42), .producer_epoch = model::producer_epoch(3),
                                  .transactional = true, .control = true});
    builder.append({.timestamp_ms = 1, .key = bv("xy"), .value = bv("")});
    validate_result r = validate(builder.build().bytes, from_leader());
    EXPECT_EQ(r.error, batch_error::invalid_record);
    EXPECT_EQ(r.record_index, 0);
    // A commit marker whose value is too short for its coordinator epoch.
    record_batch_builder short_value({.producer_id = model::producer_id(42), .producer_epoch = model::producer_epoch(3),
                                      .transactional = true, .control = true});
    auto key = encode_control_key(control_record_type::commit);
    short_value.append({.timestamp_ms = 1, .key = byte_view(key), .value = as_bytes(std::string_view("\0\0", 2))});
    EXPECT_EQ(validate(short_value.build().bytes, from_leader()).error, batch_error::invalid_record);
}

TEST(validate_batch, checks_producer_fields) {
    struct bad_case {
        const char* name;
        int64_t producer_id;
        int16_t epoch;
        int32_t sequence;
        bool transactional;
    };
    for (const bad_case& c : {bad_case{"transactional without producer id", -1, -1, -1, true},
                              bad_case{"idempotent without sequence", 7, 0, -1, false},
                              bad_case{"idempotent without epoch", 7, -1, 0, false},
                              bad_case{"producer id below -1", -2, -1, -1, false}}) {
        byte_buffer b = sample_batch(2, {.producer_id = model::producer_id(c.producer_id),
                                         .producer_epoch = model::producer_epoch(c.epoch),
                                         .base_sequence = c.sequence,
                                         .transactional = c.transactional});
        EXPECT_EQ(validate(b).error, batch_error::bad_producer_fields) << c.name;
    }
    byte_buffer ok = sample_batch(2, {.producer_id = model::producer_id(7), .producer_epoch = model::producer_epoch(0),
                                      .base_sequence = 0, .transactional = true});
    EXPECT_TRUE(validate(ok).ok());
}

TEST(validate_batch, checks_offsets) {
    byte_buffer b = sample_batch(2);
    patch<int64_t>(b, batch_format::base_offset_at, 100, false);
    EXPECT_EQ(validate(b).error, batch_error::bad_offsets);
    EXPECT_TRUE(validate(b, from_leader()).ok());
    patch<int64_t>(b, batch_format::base_offset_at, -1, false);
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_offsets);
    patch<int64_t>(b, batch_format::base_offset_at, INT64_MAX, false); // last offset overflows
    EXPECT_EQ(validate(b, from_leader()).error, batch_error::bad_offsets);
}

// Records with hand-picked offset deltas (a batch as compaction leaves it).
byte_buffer batch_with_deltas(const std::vector<int32_t>& deltas, int32_t last_offset_delta) {
    byte_buffer batch = sample_batch(1);
    byte_buffer records;
    for (int32_t d : deltas) {
        byte_buffer body{0x00, 0x00, static_cast<uint8_t>(varint::zigzag32(d)), 0x01, 0x01, 0x00};
        records.push_back(static_cast<uint8_t>(varint::zigzag32(static_cast<int32_t>(body.size()))));
        records.insert(records.end(), body.begin(), body.end());
    }
    set_records(batch, records, static_cast<int32_t>(deltas.size()));
    patch<int32_t>(batch, batch_format::last_offset_delta_at, last_offset_delta);
    return batch;
}

TEST(validate_batch, requires_contiguous_offset_deltas_from_clients) {
    EXPECT_TRUE(validate(batch_with_deltas({0, 1, 2}, 2)).ok());
    validate_result r = validate(batch_with_deltas({0, 2, 1}, 2));
    EXPECT_EQ(r.error, batch_error::bad_offsets);
    EXPECT_EQ(r.record_index, 1);
    EXPECT_EQ(validate(batch_with_deltas({1, 2, 3}, 2)).error, batch_error::bad_offsets);
}

TEST(validate_batch, allows_gaps_but_not_disorder_from_a_leader) {
    EXPECT_TRUE(validate(batch_with_deltas({0, 3, 9}, 9), from_leader()).ok());
    EXPECT_EQ(validate(batch_with_deltas({0, 3, 3}, 9), from_leader()).error, batch_error::bad_offsets);
    EXPECT_EQ(validate(batch_with_deltas({0, 5, 3}, 9), from_leader()).error, batch_error::bad_offsets);
    EXPECT_EQ(validate(batch_with_deltas({0, 3, 10}, 9), from_leader()).error, batch_error::bad_offsets);
    EXPECT_EQ(validate(batch_with_deltas({-1, 3}, 9), from_leader()).error, batch_error::bad_offsets);
}

TEST(validate_batch, accepts_an_empty_batch_only_from_a_leader) {
    byte_buffer b = record_batch_builder({}).build().bytes;
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
    validate_result r = validate(b, from_leader());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.summary.record_count, 0);
}

TEST(validate_batch, rejects_timestamp_overflow) {
    record_batch_builder builder({});
    builder.append({.timestamp_ms = INT64_MAX - 1});
    builder.append({.timestamp_ms = INT64_MAX});
    byte_buffer b = builder.build().bytes;
    EXPECT_TRUE(validate(b).ok());
    patch<int64_t>(b, batch_format::base_timestamp_at, INT64_MAX);
    validate_result r = validate(b);
    EXPECT_EQ(r.error, batch_error::bad_timestamps);
    EXPECT_EQ(r.record_index, 1);
}

TEST(validate_batch, max_timestamp_is_reported_and_checked_when_strict) {
    byte_buffer b = sample_batch(5);
    patch<int64_t>(b, batch_format::max_timestamp_at, 999);
    validate_result r = validate(b);
    ASSERT_TRUE(r.ok()); // Kafka overwrites a wrong max_timestamp rather than rejecting it
    EXPECT_EQ(r.summary.max_timestamp, 1004);
    validate_options strict;
    strict.strict_max_timestamp = true;
    EXPECT_EQ(validate(b, strict).error, batch_error::bad_timestamps);
    EXPECT_TRUE(validate(sample_batch(5), strict).ok());
    mutable_record_batch(b).set_log_append_time(5);
    EXPECT_TRUE(validate(b, strict).ok()); // LogAppendTime: max_timestamp is the broker's
}

TEST(validate_batch, rejects_bytes_after_the_last_record) {
    byte_buffer b = sample_batch(2);
    byte_buffer records(view_of(b).records_bytes().begin(), view_of(b).records_bytes().end());
    records.push_back(0x00);
    set_records(b, records, 2);
    EXPECT_EQ(validate(b).error, batch_error::bad_record_count);
}

TEST(validate_batch, points_at_the_malformed_record) {
    byte_buffer b = sample_batch(3);
    byte_buffer records(view_of(b).records_bytes().begin(), view_of(b).records_bytes().end());
    // Third record: make its key length -2 (zig-zag 3). Its layout: length, attributes,
    // ts delta, offset delta, key length.
    size_t third = 0;
    {
        record_reader reader(records);
        record_view r;
        reader.next(r);
        reader.next(r);
        third = reader.position();
    }
    records[third + 4] = 0x03;
    set_records(b, records, 3);
    validate_result r = validate(b);
    EXPECT_EQ(r.error, batch_error::invalid_record);
    EXPECT_EQ(r.record_index, 2);
}

TEST(validate_batch, bounds_decompression) {
    // 1000 records of 4 KiB zeros: a few KiB compressed, 4 MiB decompressed.
    record_batch_builder builder({.compression = compression_type::zstd});
    byte_buffer zeros(4096, 0);
    for (int i = 0; i < 1000; ++i) builder.append({.timestamp_ms = i, .value = byte_view(zeros)});
    byte_buffer b = builder.build().bytes;
    EXPECT_LT(b.size(), 8192u);
    validate_options small;
    small.decompressed_bytes_max = 1 << 20;
    byte_buffer scratch;
    validate_result r = validate_batch(view_of(b), small, scratch);
    EXPECT_EQ(r.error, batch_error::too_large);
    EXPECT_LE(scratch.capacity(), (1u << 20) + 1);
    EXPECT_EQ(kafka_error_code(r.error), kafka_message_too_large);
    EXPECT_TRUE(validate(b).ok());
}

TEST(validate_batch, rejects_corrupt_compressed_records_with_a_valid_crc) {
    for (auto codec :
         {compression_type::gzip, compression_type::snappy, compression_type::lz4, compression_type::zstd}) {
        byte_buffer b = sample_batch(30, {.compression = codec});
        // Garbage in place of the compressed records, CRC recomputed.
        for (size_t i = batch_format::header_bytes; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 7);
        fix_crc(b);
        batch_error e = validate(b).error;
        EXPECT_TRUE(e == batch_error::decompression_failed || e == batch_error::too_large) << to_string(codec);
    }
}

TEST(validate_batch, reuses_one_scratch_buffer_across_batches) {
    byte_buffer scratch;
    for (auto codec : {compression_type::zstd, compression_type::none, compression_type::gzip}) {
        byte_buffer b = sample_batch(10, {.compression = codec});
        EXPECT_TRUE(validate_batch(view_of(b), {}, scratch).ok()) << to_string(codec);
    }
}

} // namespace
} // namespace sluice::protocol
