// Exact bytes of the wire primitives, and rejection of malformed lengths.
#include "protocol/wire.h"

#include <gtest/gtest.h>

namespace sluice::protocol {
namespace {

bytes_value encode(auto&& fn) {
    bytes_value out;
    writer w(out);
    fn(w);
    return out;
}

TEST(wire, classic_and_compact_strings) {
    EXPECT_EQ(encode([](writer& w) { w.write_string("ab", false); }), (bytes_value{0, 2, 'a', 'b'}));
    EXPECT_EQ(encode([](writer& w) { w.write_string("ab", true); }), (bytes_value{3, 'a', 'b'}));
    EXPECT_EQ(encode([](writer& w) { w.write_nullable_string(std::nullopt, false); }), (bytes_value{0xff, 0xff}));
    EXPECT_EQ(encode([](writer& w) { w.write_nullable_string(std::nullopt, true); }), (bytes_value{0}));
    EXPECT_EQ(encode([](writer& w) { w.write_nullable_bytes(std::nullopt, false); }), (bytes_value{0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(encode([](writer& w) { w.write_array_length(-1, true); }), (bytes_value{0}));
    EXPECT_EQ(encode([](writer& w) { w.write_array_length(200, true); }), (bytes_value{0xc9, 0x01}));
}

TEST(wire, reads_back_nulls_and_values) {
    bytes_value b{0xff, 0xff, 0, 1, 'x', 0};
    reader r(b);
    std::optional<std::string> s;
    r.read_nullable_string(s, false, true);
    EXPECT_FALSE(s.has_value());
    r.read_nullable_string(s, false, true);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(*s, "x");
    r.read_nullable_string(s, true, true); // compact null
    EXPECT_FALSE(s.has_value());
    EXPECT_FALSE(r.failed());
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(wire, null_where_not_nullable_fails) {
    bytes_value b{0xff, 0xff};
    reader r(b);
    std::string s;
    r.read_string(s, false);
    EXPECT_TRUE(r.failed());
}

TEST(wire, lengths_beyond_the_buffer_fail_without_allocating) {
    bytes_value huge_array{0x7f, 0xff, 0xff, 0xff};
    reader r1(huge_array);
    EXPECT_EQ(r1.read_array_length(false), 0);
    EXPECT_TRUE(r1.failed());

    bytes_value negative{0xff, 0xff, 0xff, 0xfe}; // -2
    reader r2(negative);
    r2.read_array_length(false);
    EXPECT_TRUE(r2.failed());

    bytes_value long_string{0x10, 0x00, 'a'};
    reader r3(long_string);
    std::string s;
    r3.read_string(s, false);
    EXPECT_TRUE(r3.failed());
    EXPECT_TRUE(s.empty());

    bytes_value compact_bytes{0xff, 0xff, 0xff, 0xff, 0x0f}; // uvarint 2^32-1
    reader r4(compact_bytes);
    bytes_value out;
    r4.read_bytes(out, true);
    EXPECT_TRUE(r4.failed());
}

TEST(wire, failure_is_sticky) {
    bytes_value b{0x00};
    reader r(b);
    r.read_int32();
    EXPECT_TRUE(r.failed());
    EXPECT_EQ(r.read_int8(), 0);
    EXPECT_TRUE(r.failed());
}

TEST(wire, tagged_fields_in_order_and_unknown_kept) {
    // two tags: 1 -> {0xaa}, 5 -> {0xbb, 0xcc}
    bytes_value b{2, 1, 1, 0xaa, 5, 2, 0xbb, 0xcc};
    reader r(b);
    tagged_fields unknown;
    int8_t tag1 = 0;
    r.read_tagged_fields([&](uint32_t tag, reader& tr) {
        if (tag != 1) return false;
        tag1 = tr.read_int8();
        return true;
    }, unknown);
    ASSERT_FALSE(r.failed());
    EXPECT_EQ(tag1, static_cast<int8_t>(0xaa));
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_EQ(unknown[0].tag, 5u);
    EXPECT_EQ(unknown[0].data, (bytes_value{0xbb, 0xcc}));

    bytes_value out;
    writer w(out);
    w.write_uvarint(1);
    w.write_unknown_tags_before(unknown, 0, UINT64_MAX);
    EXPECT_EQ(out, (bytes_value{1, 5, 2, 0xbb, 0xcc}));
}

TEST(wire, tagged_fields_out_of_order_or_overlong_fail) {
    bytes_value descending{2, 5, 0, 1, 0};
    reader r(descending);
    tagged_fields unknown;
    r.read_tagged_fields([](uint32_t, reader&) { return false; }, unknown);
    EXPECT_TRUE(r.failed());

    bytes_value overlong{1, 1, 9, 0};
    reader r2(overlong);
    r2.read_tagged_fields([](uint32_t, reader&) { return false; }, unknown);
    EXPECT_TRUE(r2.failed());

    // a known tag whose decoder reads past the tag's size fails the message
    bytes_value short_field{1, 0, 1, 0xaa};
    reader r3(short_field);
    r3.read_tagged_fields([](uint32_t, reader& tr) { tr.read_int32(); return true; }, unknown);
    EXPECT_TRUE(r3.failed());
}

TEST(wire, fixed_width_big_endian) {
    auto b = encode([](writer& w) {
        w.write_int16(0x0102);
        w.write_int32(-2);
        w.write_uint32(0xa1b2c3d4);
        w.write_float64(1.5);
    });
    EXPECT_EQ(b, (bytes_value{1, 2, 0xff, 0xff, 0xff, 0xfe, 0xa1, 0xb2, 0xc3, 0xd4, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}));
    reader r(b);
    EXPECT_EQ(r.read_int16(), 0x0102);
    EXPECT_EQ(r.read_int32(), -2);
    EXPECT_EQ(r.read_uint32(), 0xa1b2c3d4u);
    EXPECT_EQ(r.read_float64(), 1.5);
}

} // namespace
} // namespace sluice::protocol
