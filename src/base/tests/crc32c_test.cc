#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace sluice {
namespace {

byte_buffer random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    byte_buffer out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

TEST(crc32c, known_vectors) {
    EXPECT_EQ(crc32c(as_bytes("")), 0u);
    EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
    EXPECT_EQ(crc32c(as_bytes("a")), 0xC1D04330u);
    EXPECT_EQ(crc32c(as_bytes("The quick brown fox jumps over the lazy dog")), 0x22620404u);
}

// The iSCSI test vectors of RFC 3720, appendix B.4.
TEST(crc32c, rfc3720_vectors) {
    byte_buffer zeros(32, 0x00), ones(32, 0xff), up(32), down(32);
    std::iota(up.begin(), up.end(), uint8_t{0});
    for (size_t i = 0; i < 32; ++i) down[i] = static_cast<uint8_t>(31 - i);
    EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
    EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
    EXPECT_EQ(crc32c(up), 0x46DD794Eu);
    EXPECT_EQ(crc32c(down), 0x113FDB5Cu);
}

TEST(crc32c, table_matches_known_vectors) {
    EXPECT_EQ(crc32c_table(as_bytes("")), 0u);
    EXPECT_EQ(crc32c_table(as_bytes("123456789")), 0xE3069283u);
    EXPECT_EQ(crc32c_table(byte_buffer(32, 0)), 0x8A9136AAu);
}

TEST(crc32c, empty_view_returns_seed) {
    EXPECT_EQ(crc32c(byte_view{}), 0u);
    EXPECT_EQ(crc32c(byte_view{}, 0xE3069283u), 0xE3069283u);
    EXPECT_EQ(crc32c_table(byte_view{}, 0x12345678u), 0x12345678u);
}

// Every size up to a few SIMD block lengths, then larger ones, at every alignment of a
// 64-byte line: the accelerated code switches paths on both.
TEST(crc32c, random_buffers_match_table_at_all_sizes_and_alignments) {
    const byte_buffer data = random_bytes(70000, 1);
    std::vector<size_t> sizes;
    for (size_t n = 0; n <= 1100; ++n) sizes.push_back(n);
    for (size_t n : {2047u, 2048u, 4096u, 4097u, 8191u, 16384u, 65535u, 65536u}) sizes.push_back(n);
    for (size_t align = 0; align < 64; ++align) {
        for (size_t n : sizes) {
            byte_view v(data.data() + align, n);
            ASSERT_EQ(crc32c(v), crc32c_table(v)) << "size " << n << " align " << align;
        }
    }
}

TEST(crc32c, one_mebibyte_matches_table) {
    const byte_buffer data = random_bytes(1 << 20, 2);
    EXPECT_EQ(crc32c(data), crc32c_table(data));
}

TEST(crc32c, seeded_computation_composes_at_every_split) {
    const byte_buffer data = random_bytes(600, 3);
    const uint32_t whole = crc32c(data);
    const byte_view all(data);
    for (size_t split = 0; split <= data.size(); ++split) {
        uint32_t first = crc32c(all.first(split));
        ASSERT_EQ(crc32c(all.subspan(split), first), whole) << split;
        ASSERT_EQ(crc32c_table(all.subspan(split), crc32c_table(all.first(split))), whole) << split;
    }
}

TEST(crc32c, many_small_pieces_compose) {
    const byte_buffer data = random_bytes(10000, 4);
    std::mt19937 rng(5);
    uint32_t crc = 0;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t n = std::min<size_t>(rng() % 97, data.size() - pos);
        crc = crc32c(byte_view(data).subspan(pos, n), crc);
        pos += n;
    }
    EXPECT_EQ(crc, crc32c(data));
    EXPECT_EQ(crc, crc32c_table(data));
}

TEST(crc32c, detects_every_single_bit_flip) {
    byte_buffer data = random_bytes(256, 6);
    const uint32_t good = crc32c(data);
    for (size_t i = 0; i < data.size() * 8; ++i) {
        data[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
        ASSERT_NE(crc32c(data), good) << i;
        data[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    }
}

} // namespace
} // namespace sluice
