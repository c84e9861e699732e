#include "protocol/record_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/varint.h"

#include "protocol/control_record.h"
#include "protocol/tests/batch_test_util.h"

namespace sluice::protocol {
namespace {

using namespace test;

std::string str(byte_view b) { return std::string(as_chars(b)); }

struct expected_record {
    int64_t timestamp;
    std::optional<std::string> key, value;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

const std::vector<expected_record>& mixed_records() {
    static const std::vector<expected_record> records = {
        {5000, "alpha", "one", {}},
        {4990, std::nullopt, "no key, earlier timestamp", {{"trace", "abc"}, {"empty", ""}}},
        {5123, "", std::nullopt, {{"null-value", std::nullopt}}},
        {5001, "k", std::string(300, 'x'), {{"a", "1"}, {"b", "2"}, {"c", "3"}}},
    };
    return records;
}

byte_buffer build_mixed(compression_type compression) {
    record_batch_builder builder({.compression = compression});
    for (const auto& e : mixed_records()) {
        std::vector<header_input> headers;
        for (const auto& [k, v] : e.headers)
            headers.push_back({bv(k), v ? std::optional<byte_view>(bv(*v)) : std::nullopt});
        builder.append({.timestamp_ms = e.timestamp,
                        .key = e.key ? std::optional<byte_view>(bv(*e.key)) : std::nullopt,
                        .value = e.value ? std::optional<byte_view>(bv(*e.value)) : std::nullopt,
                        .headers = headers});
    }
    return builder.build().bytes;
}

class record_reader_codecs : public ::testing::TestWithParam<compression_type> {};

TEST_P(record_reader_codecs, yields_exact_records) {
    byte_buffer batch = build_mixed(GetParam());
    record_batch_view v = view_of(batch);
    EXPECT_EQ(v.compression(), GetParam());
    EXPECT_EQ(v.base_timestamp(), 5000);
    EXPECT_EQ(v.max_timestamp(), 5123);
    byte_buffer scratch;
    records_open_result opened = open_records(v, 1 << 20, scratch);
    ASSERT_EQ(opened.error, batch_error::none);
    record_view r;
    const auto& expected = mixed_records();
    for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_TRUE(opened.reader.next(r)) << i;
        EXPECT_EQ(r.offset_delta, static_cast<int32_t>(i));
        EXPECT_EQ(record_offset(v, r), model::offset(static_cast<int64_t>(i)));
        EXPECT_EQ(r.timestamp_delta, expected[i].timestamp - 5000);
        EXPECT_EQ(record_timestamp(v, r), expected[i].timestamp);
        EXPECT_EQ(r.attributes, 0);
        ASSERT_EQ(r.key.has_value(), expected[i].key.has_value()) << i;
        if (r.key) {
            EXPECT_EQ(str(*r.key), *expected[i].key);
        }
        ASSERT_EQ(r.value.has_value(), expected[i].value.has_value()) << i;
        if (r.value) {
            EXPECT_EQ(str(*r.value), *expected[i].value);
        }
        ASSERT_EQ(r.headers_count, static_cast<int32_t>(expected[i].headers.size()));
        header_reader headers(r);
        record_header_view h;
        for (const auto& [k, val] : expected[i].headers) {
            ASSERT_TRUE(headers.next(h));
            EXPECT_EQ(str(h.key), k);
            ASSERT_EQ(h.value.has_value(), val.has_value());
            if (h.value) {
                EXPECT_EQ(str(*h.value), *val);
            }
        }
        EXPECT_FALSE(headers.next(h));
    }
    EXPECT_FALSE(opened.reader.next(r));
    EXPECT_EQ(opened.reader.error(), batch_error::none);
    EXPECT_TRUE(opened.reader.at_end());
    validate_result valid = validate(batch);
    ASSERT_TRUE(valid.ok()) << to_string(valid.error);
    EXPECT_EQ(valid.summary.record_count, 4);
    EXPECT_EQ(valid.summary.min_timestamp, 4990);
    EXPECT_EQ(valid.summary.max_timestamp, 5123);
    EXPECT_EQ(valid.summary.max_timestamp_offset_delta, 2);
}

INSTANTIATE_TEST_SUITE_P(all, record_reader_codecs,
                         ::testing::Values(compression_type::none, compression_type::gzip, compression_type::snappy,
                                           compression_type::lz4, compression_type::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(record_reader, record_sizes_add_up_to_the_section) {
    byte_buffer batch = sample_batch(10);
    record_batch_view v = view_of(batch);
    record_reader reader(v.records_bytes());
    record_view r;
    size_t total = 0;
    while (reader.next(r)) total += r.size_bytes;
    EXPECT_EQ(total, v.records_bytes().size());
    EXPECT_EQ(reader.position(), total);
}

// One record from raw body bytes, with its length prefix.
byte_buffer record_bytes(const byte_buffer& body) {
    byte_buffer out(1 + body.size());
    out[0] = static_cast<uint8_t>(varint::zigzag32(static_cast<int32_t>(body.size())));
    std::copy(body.begin(), body.end(), out.begin() + 1);
    return out;
}

batch_error read_one(const byte_buffer& records) {
    record_reader reader(records);
    record_view r;
    while (reader.next(r)) {
    }
    return reader.error();
}

TEST(record_reader, accepts_a_minimal_record) {
    // attributes, ts delta 0, offset delta 0, key null, value null, 0 headers
    byte_buffer rec = record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x00});
    record_reader reader(rec);
    record_view r;
    ASSERT_TRUE(reader.next(r));
    EXPECT_FALSE(r.key.has_value());
    EXPECT_FALSE(r.value.has_value());
    EXPECT_EQ(r.size_bytes, 7u);
}

TEST(record_reader, rejects_malformed_records) {
    const std::vector<std::pair<const char*, byte_buffer>> cases = {
        {"over-long timestamp varint",
         record_bytes({0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x01, 0x01, 0x00})},
        {"over-long offset varint", record_bytes({0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x01, 0x00})},
        {"key length below -1", record_bytes({0x00, 0x00, 0x00, 0x03, 0x01, 0x00})},
        {"key longer than the record", record_bytes({0x00, 0x00, 0x00, 0x08, 'a', 0x01, 0x00})},
        {"value longer than the record", record_bytes({0x00, 0x00, 0x00, 0x01, 0x08, 'a', 0x00})},
        {"negative header count", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x01})},
        {"header count beyond the bytes", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x7e})},
        {"null header key", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x01})},
        {"header value length below -1", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x02, 'h', 0x05})},
        {"bytes left inside the record", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00})},
        {"record shorter than its fields", record_bytes({0x00, 0x00, 0x00, 0x01, 0x01})},
        {"empty record", record_bytes({})},
        {"negative record length", {0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00}},
        {"record length beyond the bytes", {0x20, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00}},
        {"truncated length varint", {0x80}},
        {"over-long length varint", {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}},
    };
    for (const auto& [name, bytes] : cases) EXPECT_EQ(read_one(bytes), batch_error::invalid_record) << name;
}

TEST(record_reader, stays_stopped_after_an_error) {
    byte_buffer good = record_bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x00});
    byte_buffer bytes = record_bytes({0x00, 0x00, 0x00, 0x03, 0x01, 0x00});
    bytes.insert(bytes.end(), good.begin(), good.end());
    record_reader reader(bytes);
    record_view r;
    EXPECT_FALSE(reader.next(r));
    EXPECT_FALSE(reader.next(r));
    EXPECT_EQ(reader.error(), batch_error::invalid_record);
}

// Any prefix of a valid records section reads as some whole records, then either a clean end
// (cut between records) or invalid_record; never a crash or a read past the end (ASan).
TEST(record_reader, every_truncation_ends_cleanly_or_with_an_error) {
    byte_buffer batch = build_mixed(compression_type::none);
    byte_view records = view_of(batch).records_bytes();
    std::vector<size_t> boundaries{0};
    {
        record_reader reader(records);
        record_view r;
        while (reader.next(r)) boundaries.push_back(reader.position());
    }
    for (size_t n = 0; n <= records.size(); ++n) {
        byte_buffer copy(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(n)); // exact-size heap copy
        record_reader reader(copy);
        record_view r;
        while (reader.next(r)) {
        }
        bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
        EXPECT_EQ(reader.error(), at_boundary ? batch_error::none : batch_error::invalid_record) << n;
    }
}

TEST(record_reader, open_records_reports_codec_failures) {
    byte_buffer batch = sample_batch(50, {.compression = compression_type::gzip});
    byte_buffer scratch;
    EXPECT_EQ(open_records(view_of(batch), 100, scratch).error, batch_error::too_large);
    batch[batch.size() - 3] ^= 0xff; // inside the gzip trailer
    EXPECT_EQ(open_records(view_of(batch), 1 << 20, scratch).error, batch_error::decompression_failed);
    patch<int16_t>(batch, batch_format::attributes_at, 6);
    EXPECT_EQ(open_records(view_of(batch), 1 << 20, scratch).error, batch_error::bad_attributes);
}

TEST(control_record, parses_and_encodes_keys_and_markers) {
    auto key = encode_control_key(control_record_type::commit);
    EXPECT_EQ(key, (std::array<uint8_t, 4>{0x00, 0x00, 0x00, 0x01}));
    control_key parsed;
    ASSERT_TRUE(parse_control_key(byte_view(key), parsed));
    EXPECT_EQ(parsed.version, 0);
    EXPECT_EQ(parsed.type, control_record_type::commit);
    ASSERT_TRUE(parse_control_key(byte_view(encode_control_key(control_record_type::abort)), parsed));
    EXPECT_EQ(parsed.type, control_record_type::abort);

    auto marker = encode_end_txn_marker(0x01020304);
    EXPECT_EQ(marker, (std::array<uint8_t, 6>{0x00, 0x00, 0x01, 0x02, 0x03, 0x04}));
    end_txn_marker m;
    ASSERT_TRUE(parse_end_txn_marker(byte_view(marker), m));
    EXPECT_EQ(m.coordinator_epoch, 0x01020304);
}

TEST(control_record, rejects_short_null_and_negative_version_keys) {
    control_key parsed;
    const uint8_t short_key[] = {0x00, 0x00, 0x00};
    const uint8_t negative[] = {0xff, 0xff, 0x00, 0x01};
    const uint8_t newer[] = {0x00, 0x01, 0x00, 0x01, 0xAA}; // newer version, extra byte: accepted
    EXPECT_FALSE(parse_control_key(std::nullopt, parsed));
    EXPECT_FALSE(parse_control_key(byte_view(short_key), parsed));
    EXPECT_FALSE(parse_control_key(byte_view(negative), parsed));
    EXPECT_TRUE(parse_control_key(byte_view(newer), parsed));
    EXPECT_EQ(parsed.version, 1);
    end_txn_marker m;
    EXPECT_FALSE(parse_end_txn_marker(std::nullopt, m));
    EXPECT_FALSE(parse_end_txn_marker(byte_view(short_key), m));
}

} // namespace
} // namespace sluice::protocol
