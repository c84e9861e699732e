#include "base/varint.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

using namespace sluice;

TEST(varint, zigzag_matches_kafka) {
    EXPECT_EQ(varint::zigzag32(0), 0u);
    EXPECT_EQ(varint::zigzag32(-1), 1u);
    EXPECT_EQ(varint::zigzag32(1), 2u);
    EXPECT_EQ(varint::zigzag32(-2), 3u);
    EXPECT_EQ(varint::zigzag32(std::numeric_limits<int32_t>::max()), 0xfffffffeu);
    EXPECT_EQ(varint::zigzag32(std::numeric_limits<int32_t>::min()), 0xffffffffu);
    EXPECT_EQ(varint::unzigzag64(varint::zigzag64(std::numeric_limits<int64_t>::min())),
              std::numeric_limits<int64_t>::min());
}

TEST(varint, encodes_known_bytes) {
    uint8_t buf[10];
    ASSERT_EQ(varint::put_u64(buf, 300), 2u);
    EXPECT_EQ(buf[0], 0xac);
    EXPECT_EQ(buf[1], 0x02);
    ASSERT_EQ(varint::put_u64(buf, 0), 1u);
    EXPECT_EQ(buf[0], 0);
    EXPECT_EQ(varint::put_u64(buf, UINT64_MAX), 10u);
}

TEST(varint, round_trips_edges) {
    std::vector<int64_t> values = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 1LL << 40, -(1LL << 40),
                                   std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
    for (int64_t v : values) {
        uint8_t buf[10];
        size_t n = varint::put_u64(buf, varint::zigzag64(v));
        EXPECT_EQ(n, varint::size_s64(v));
        int64_t back = 0;
        ASSERT_EQ(varint::get_s64(buf, buf + n, back), n) << v;
        EXPECT_EQ(back, v);
    }
}

TEST(varint, rejects_truncated_and_overlong) {
    const uint8_t truncated[] = {0x80, 0x80};
    uint64_t v;
    EXPECT_EQ(varint::get_u64(truncated, truncated + 2, v), 0u);
    const uint8_t six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    uint32_t v32;
    EXPECT_EQ(varint::get_u32(six, six + 6, v32), 0u); // more than 5 bytes for 32 bits
    const uint8_t too_big[] = {0xff, 0xff, 0xff, 0xff, 0x1f}; // 2^35-1 > UINT32_MAX
    EXPECT_EQ(varint::get_u32(too_big, too_big + 5, v32), 0u);
    const uint8_t max32[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    ASSERT_EQ(varint::get_u32(max32, max32 + 5, v32), 5u);
    EXPECT_EQ(v32, UINT32_MAX);
}
