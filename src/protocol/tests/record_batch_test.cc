#include "protocol/record_batch.h"

#include <gtest/gtest.h>

#include "protocol/record_reader.h"
#include "protocol/tests/batch_test_util.h"

namespace sluice::protocol {
namespace {

using namespace test;

// Record batch v2 with two records, written byte by byte from the protocol specification
// (https://kafka.apache.org/documentation/#recordbatch), independently of the builder.
byte_buffer golden_batch() {
    return byte_buffer{
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // base_offset 0
        0x00, 0x00, 0x00, 0x4c,                         // batch_length 76 = 88 - 12
        0xff, 0xff, 0xff, 0xff,                         // partition_leader_epoch -1
        0x02,                                           // magic 2
        0x30, 0xbd, 0xd1, 0xdf,                         // crc (computed independently)
        0x00, 0x00,                                     // attributes: none, CreateTime
        0x00, 0x00, 0x00, 0x01,                         // last_offset_delta 1
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // base_timestamp 1700000000000
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x05, // max_timestamp 1700000000005
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // producer_id -1
        0xff, 0xff,                                     // producer_epoch -1
        0xff, 0xff, 0xff, 0xff,                         // base_sequence -1
        0x00, 0x00, 0x00, 0x02,                         // records_count 2
        // record 0: length 10, attributes 0, timestamp_delta 0, offset_delta 0,
        //           key "k0", value "v0", no headers (varints zig-zag encoded)
        0x14, 0x00, 0x00, 0x00, 0x04, 'k', '0', 0x04, 'v', '0', 0x00,
        // record 1: length 15, attributes 0, timestamp_delta 5, offset_delta 1, key null,
        //           value "hello", one header "h" = "x"
        0x1e, 0x00, 0x0a, 0x02, 0x01, 0x0a, 'h', 'e', 'l', 'l', 'o', 0x02, 0x02, 'h', 0x02, 'x'};
}

TEST(record_batch, builder_writes_the_golden_vector) {
    record_batch_builder builder({});
    builder.append({.timestamp_ms = 1700000000000, .key = bv("k0"), .value = bv("v0")});
    const header_input header{bv("h"), bv("x")};
    builder.append({.timestamp_ms = 1700000000005, .key = std::nullopt, .value = bv("hello"), .headers = {&header, 1}});
    build_result built = builder.build();
    ASSERT_TRUE(built.ok());
    EXPECT_EQ(built.bytes, golden_batch());
}

TEST(record_batch, golden_vector_crc_is_crc32c_from_attributes) {
    byte_buffer batch = golden_batch();
    byte_view covered = byte_view(batch).subspan(21);
    EXPECT_EQ(crc32c(covered), 0x30bdd1dfu);
    EXPECT_EQ(crc32c_table(covered), 0x30bdd1dfu);
    EXPECT_EQ(view_of(batch).crc(), 0x30bdd1dfu);
    EXPECT_EQ(view_of(batch).compute_crc(), 0x30bdd1dfu);
}

TEST(record_batch, view_reads_every_golden_header_field) {
    byte_buffer batch = golden_batch();
    record_batch_view v = view_of(batch);
    EXPECT_EQ(v.size_bytes(), 88u);
    EXPECT_EQ(v.base_offset(), model::offset(0));
    EXPECT_EQ(v.batch_length(), 76);
    EXPECT_EQ(v.partition_leader_epoch(), model::leader_epoch(-1));
    EXPECT_EQ(v.magic(), 2);
    EXPECT_EQ(v.attributes(), 0);
    EXPECT_EQ(v.compression(), compression_type::none);
    EXPECT_EQ(v.ts_type(), timestamp_type::create_time);
    EXPECT_FALSE(v.is_transactional());
    EXPECT_FALSE(v.is_control());
    EXPECT_FALSE(v.has_delete_horizon());
    EXPECT_EQ(v.last_offset_delta(), 1);
    EXPECT_EQ(v.base_timestamp(), 1700000000000);
    EXPECT_EQ(v.max_timestamp(), 1700000000005);
    EXPECT_EQ(v.producer_id(), model::no_producer_id);
    EXPECT_FALSE(v.has_producer_id());
    EXPECT_EQ(v.producer_epoch(), model::no_producer_epoch);
    EXPECT_EQ(v.base_sequence(), -1);
    EXPECT_EQ(v.records_count(), 2);
    EXPECT_EQ(v.records_bytes().size(), 27u);
    EXPECT_TRUE(validate(batch).ok());
}

TEST(record_batch, builder_places_every_field_at_its_offset) {
    batch_builder_options o;
    o.base_offset = model::offset(0x0102030405060708);
    o.partition_leader_epoch = model::leader_epoch(0x11121314);
    o.producer_id = model::producer_id(0x2122232425262728);
    o.producer_epoch = model::producer_epoch(0x3132);
    o.base_sequence = 0x41424344;
    o.transactional = true;
    o.ts_type = timestamp_type::log_append_time;
    o.compression = compression_type::lz4;
    byte_buffer b = sample_batch(3, o);
    const uint8_t* p = b.data();
    EXPECT_EQ(be::load<int64_t>(p + 0), 0x0102030405060708);
    EXPECT_EQ(be::load<int32_t>(p + 8), static_cast<int32_t>(b.size() - 12));
    EXPECT_EQ(be::load<int32_t>(p + 12), 0x11121314);
    EXPECT_EQ(p[16], 2);
    EXPECT_EQ(be::load<uint32_t>(p + 17), crc32c(byte_view(b).subspan(21)));
    EXPECT_EQ(be::load<int16_t>(p + 21), 3 | 0x08 | 0x10); // lz4, LogAppendTime, transactional
    EXPECT_EQ(be::load<int32_t>(p + 23), 2);
    EXPECT_EQ(be::load<int64_t>(p + 27), 1000);
    EXPECT_EQ(be::load<int64_t>(p + 35), 1002);
    EXPECT_EQ(be::load<int64_t>(p + 43), 0x2122232425262728);
    EXPECT_EQ(be::load<int16_t>(p + 51), 0x3132);
    EXPECT_EQ(be::load<int32_t>(p + 53), 0x41424344);
    EXPECT_EQ(be::load<int32_t>(p + 57), 3);
    // Records are one lz4 frame right after the header.
    EXPECT_EQ(be::load<uint32_t>(p + 61), 0x04224d18u);
}

TEST(record_batch, empty_builder_writes_an_empty_batch) {
    build_result built = record_batch_builder({}).build();
    ASSERT_TRUE(built.ok());
    ASSERT_EQ(built.bytes.size(), 61u);
    record_batch_view v = view_of(built.bytes);
    EXPECT_EQ(v.records_count(), 0);
    EXPECT_EQ(v.last_offset_delta(), 0);
    EXPECT_EQ(v.base_timestamp(), -1);
    EXPECT_EQ(v.max_timestamp(), -1);
    EXPECT_EQ(v.crc(), v.compute_crc());
}

TEST(record_batch, parse_rejects_every_truncation) {
    byte_buffer b = golden_batch();
    for (size_t n = 0; n < b.size(); ++n) {
        batch_parse_result r = parse_batch(byte_view(b).first(n));
        ASSERT_EQ(r.error, batch_error::truncated) << n;
    }
    EXPECT_EQ(parse_batch(b).error, batch_error::none);
}

TEST(record_batch, parse_reports_old_and_unknown_magic) {
    byte_buffer b = golden_batch();
    for (int magic : {0, 1}) {
        b[16] = static_cast<uint8_t>(magic);
        EXPECT_EQ(parse_batch(b).error, batch_error::old_magic) << magic;
        // Only the first 17 bytes are needed to tell an old message set.
        EXPECT_EQ(parse_batch(byte_view(b).first(17)).error, batch_error::old_magic) << magic;
    }
    for (int magic : {3, 0x7f, 0x80, 0xff}) {
        b[16] = static_cast<uint8_t>(magic);
        EXPECT_EQ(parse_batch(b).error, batch_error::bad_magic) << magic;
    }
}

TEST(record_batch, parse_rejects_a_length_below_the_header) {
    byte_buffer b = golden_batch();
    for (int32_t length : {-1, 0, 48, INT32_MIN}) {
        patch<int32_t>(b, 8, length, false);
        EXPECT_EQ(parse_batch(b).error, batch_error::bad_length) << length;
    }
    patch<int32_t>(b, 8, 49, false); // a header and no records: framing is fine
    batch_parse_result r = parse_batch(b);
    ASSERT_EQ(r.error, batch_error::none);
    EXPECT_EQ(r.batch.size_bytes(), 61u);
    patch<int32_t>(b, 8, INT32_MAX, false);
    EXPECT_EQ(parse_batch(b).error, batch_error::truncated);
}

TEST(record_batch, parse_ignores_bytes_after_the_batch) {
    byte_buffer b = golden_batch();
    b.push_back(0xAA);
    batch_parse_result r = parse_batch(b);
    ASSERT_EQ(r.error, batch_error::none);
    EXPECT_EQ(r.batch.size_bytes(), 88u);
}

TEST(record_batch, split_finds_every_batch) {
    byte_buffer all;
    std::vector<byte_buffer> parts = {golden_batch(), sample_batch(5),
                                      sample_batch(1, {.compression = compression_type::zstd})};
    for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    std::vector<record_batch_view> views;
    split_result r = split_batches(all, views);
    ASSERT_EQ(r.error, batch_error::none);
    EXPECT_EQ(r.valid_bytes, all.size());
    ASSERT_EQ(views.size(), 3u);
    size_t at = 0;
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(views[i].bytes().data(), all.data() + at);
        EXPECT_EQ(views[i].size_bytes(), parts[i].size());
        at += parts[i].size();
    }
}

TEST(record_batch, split_of_nothing_is_no_batches) {
    std::vector<record_batch_view> views;
    split_result r = split_batches({}, views);
    EXPECT_EQ(r.error, batch_error::none);
    EXPECT_EQ(r.valid_bytes, 0u);
    EXPECT_TRUE(views.empty());
}

TEST(record_batch, split_rejects_a_trailing_partial_batch_at_every_cut) {
    byte_buffer first = golden_batch(), second = sample_batch(3);
    byte_buffer all = first;
    all.insert(all.end(), second.begin(), second.end());
    for (size_t n = first.size() + 1; n < all.size(); ++n) {
        std::vector<record_batch_view> views;
        split_result r = split_batches(byte_view(all).first(n), views);
        ASSERT_EQ(r.error, batch_error::truncated) << n;
        ASSERT_EQ(r.valid_bytes, first.size()) << n;
        ASSERT_EQ(views.size(), 1u) << n;
    }
}

TEST(record_batch, split_stops_at_an_old_message_set) {
    byte_buffer all = golden_batch(), old = golden_batch();
    old[16] = 1;
    all.insert(all.end(), old.begin(), old.end());
    std::vector<record_batch_view> views;
    split_result r = split_batches(all, views);
    EXPECT_EQ(r.error, batch_error::old_magic);
    EXPECT_EQ(r.valid_bytes, 88u);
}

TEST(record_batch, setting_base_offset_and_epoch_keeps_the_crc) {
    byte_buffer b = golden_batch();
    mutable_record_batch m(b);
    m.set_base_offset(model::offset(123456789));
    m.set_partition_leader_epoch(model::leader_epoch(7));
    EXPECT_EQ(be::load<int64_t>(b.data()), 123456789);
    EXPECT_EQ(be::load<int32_t>(b.data() + 12), 7);
    EXPECT_EQ(be::load<uint32_t>(b.data() + 17), 0x30bdd1dfu); // untouched
    EXPECT_TRUE(validate(b, from_leader()).ok());
    EXPECT_EQ(validate(b).error, batch_error::bad_offsets); // a client must send base offset 0
}

TEST(record_batch, log_append_time_rewrites_attributes_max_timestamp_and_crc) {
    byte_buffer b = golden_batch();
    mutable_record_batch m(b);
    m.set_log_append_time(1800000000000);
    record_batch_view v = m.view();
    EXPECT_EQ(v.ts_type(), timestamp_type::log_append_time);
    EXPECT_EQ(be::load<int16_t>(b.data() + 21), 0x08);
    EXPECT_EQ(v.max_timestamp(), 1800000000000);
    EXPECT_EQ(v.base_timestamp(), 1700000000000); // records keep their own deltas
    EXPECT_EQ(v.crc(), crc32c(byte_view(b).subspan(21)));
    EXPECT_TRUE(validate(b).ok());
    // Readers report the append time for every record.
    record_reader reader(v.records_bytes());
    record_view r;
    int n = 0;
    while (reader.next(r)) {
        EXPECT_EQ(record_timestamp(v, r), 1800000000000);
        ++n;
    }
    EXPECT_EQ(n, 2);
}

TEST(record_batch, set_max_timestamp_is_a_no_op_when_unchanged) {
    byte_buffer b = golden_batch();
    byte_buffer before = b;
    mutable_record_batch(b).set_max_timestamp(timestamp_type::create_time, 1700000000005);
    EXPECT_EQ(b, before);
    mutable_record_batch(b).set_max_timestamp(timestamp_type::create_time, 1700000000009);
    EXPECT_EQ(view_of(b).max_timestamp(), 1700000000009);
    EXPECT_EQ(view_of(b).ts_type(), timestamp_type::create_time);
    EXPECT_EQ(view_of(b).crc(), view_of(b).compute_crc());
    EXPECT_NE(view_of(b).crc(), 0x30bdd1dfu);
}

TEST(record_batch, default_view_is_safe_and_invalid) {
    record_batch_view v;
    EXPECT_EQ(v.size_bytes(), 61u);
    EXPECT_EQ(v.magic(), 0);
    byte_buffer scratch;
    EXPECT_EQ(validate_batch(v, {}, scratch).error, batch_error::old_magic);
}

TEST(batch_error, maps_to_kafka_error_codes) {
    EXPECT_EQ(kafka_error_code(batch_error::none), 0);
    EXPECT_EQ(kafka_error_code(batch_error::crc_mismatch), 2);       // CORRUPT_MESSAGE
    EXPECT_EQ(kafka_error_code(batch_error::truncated), 2);
    EXPECT_EQ(kafka_error_code(batch_error::old_magic), 87);         // INVALID_RECORD
    EXPECT_EQ(kafka_error_code(batch_error::bad_record_count), 87);
    EXPECT_EQ(kafka_error_code(batch_error::invalid_record), 87);
    EXPECT_EQ(kafka_error_code(batch_error::bad_timestamps), 32);    // INVALID_TIMESTAMP
    EXPECT_EQ(kafka_error_code(batch_error::too_large), 10);         // MESSAGE_TOO_LARGE
    for (int e = 0; e <= static_cast<int>(batch_error::too_large); ++e)
        EXPECT_FALSE(to_string(static_cast<batch_error>(e)).empty());
}

} // namespace
} // namespace sluice::protocol
