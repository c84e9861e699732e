#include "protocol/compression.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "base/endian.h"
#include "base/varint.h"
#include "protocol/tests/test_data.h"

namespace sluice::protocol {
namespace {

using namespace test;

constexpr compression_type all_codecs[] = {compression_type::none, compression_type::gzip, compression_type::snappy,
                                           compression_type::lz4, compression_type::zstd};

std::string name_of(compression_type c) { return std::string(to_string(c)); }

std::vector<std::pair<std::string, byte_buffer>> inputs() {
    return {
        {"empty", {}},
        {"one byte", {0x42}},
        {"small text", byte_buffer(as_bytes("hello, sluice").begin(), as_bytes("hello, sluice").end())},
        {"random 100 KiB", random_bytes(100 * 1024, 1)},
        {"compressible 1 MiB", compressible_bytes(1 << 20, 2)},
        {"zeros 3 MiB", byte_buffer(3 << 20, 0)},
        {"random 65537", random_bytes(65537, 3)}, // one past an lz4/xerial block
    };
}

class codec_test : public ::testing::TestWithParam<compression_type> {};

TEST_P(codec_test, round_trips_every_input) {
    for (const auto& [name, input] : inputs()) {
        codec_result packed = compress(GetParam(), input);
        ASSERT_TRUE(packed.ok()) << name << ": " << to_string(packed.error);
        codec_result unpacked = decompress(GetParam(), packed.bytes, input.size());
        ASSERT_TRUE(unpacked.ok()) << name << ": " << to_string(unpacked.error);
        EXPECT_EQ(unpacked.bytes, input) << name;
        if (!input.empty()) {
            EXPECT_EQ(decompress(GetParam(), packed.bytes, input.size() - 1).error, codec_error::too_large) << name;
        }
    }
}

TEST(compression, compresses_compressible_data) {
    byte_buffer input = compressible_bytes(1 << 20, 4);
    for (auto codec : {compression_type::gzip, compression_type::snappy, compression_type::lz4, compression_type::zstd})
        EXPECT_LT(compress(codec, input).bytes.size(), input.size() / 2) << name_of(codec);
}

TEST_P(codec_test, decompress_into_replaces_the_output_and_reuses_it) {
    byte_buffer input = compressible_bytes(50000, 5);
    byte_buffer packed = compress(GetParam(), input).bytes;
    byte_buffer out(123456, 0xEE);
    ASSERT_EQ(decompress_into(GetParam(), packed, 1 << 20, out), codec_error::none);
    EXPECT_EQ(out, input);
    ASSERT_EQ(decompress_into(GetParam(), packed, 1 << 20, out), codec_error::none);
    EXPECT_EQ(out, input);
}

// Every strict prefix of a stream is an error (the xerial framing has no end marker, so a cut
// between chunks is a shorter valid stream: it is tested separately).
TEST(compression, rejects_every_truncation) {
    byte_buffer input = compressible_bytes(3000, 6);
    for (auto codec : {compression_type::gzip, compression_type::lz4, compression_type::zstd}) {
        byte_buffer packed = compress(codec, input).bytes;
        for (size_t n = 0; n < packed.size(); ++n) {
            byte_buffer cut(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(n));
            codec_result r = decompress(codec, cut, 1 << 20);
            ASSERT_EQ(r.error, codec_error::corrupt) << name_of(codec) << " " << n;
            ASSERT_TRUE(r.bytes.empty());
        }
    }
    // A raw snappy block too (its header states the exact length).
    byte_buffer raw;
    {
        std::string out;
        snappy::Compress(reinterpret_cast<const char*>(input.data()), input.size(), &out);
        raw.assign(out.begin(), out.end());
    }
    for (size_t n = 0; n < raw.size(); ++n)
        ASSERT_EQ(decompress(compression_type::snappy, byte_view(raw).first(n), 1 << 20).error, codec_error::corrupt) << n;
}

// Bit flips may or may not be detected (lz4 frames carry no content checksum); they must
// never crash, read out of bounds (ASan) or exceed the bound.
TEST_P(codec_test, survives_bit_flips) {
    byte_buffer input = compressible_bytes(2000, 7);
    const byte_buffer packed = compress(GetParam(), input).bytes;
    for (size_t bit = 0; bit < packed.size() * 8; bit += 3) {
        byte_buffer b = packed;
        b[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        codec_result r = decompress(GetParam(), b, 4096);
        ASSERT_LE(r.bytes.size(), 4096u);
    }
}

TEST_P(codec_test, survives_random_garbage) {
    for (uint32_t seed = 0; seed < 200; ++seed) {
        byte_buffer garbage = random_bytes(seed % 64 * 17 + 1, seed);
        codec_result r = decompress(GetParam(), garbage, 1 << 16);
        ASSERT_LE(r.bytes.size(), 1u << 16);
    }
}

INSTANTIATE_TEST_SUITE_P(all, codec_test, ::testing::ValuesIn(all_codecs),
                         [](const auto& info) { return name_of(info.param); });

TEST(compression, levels_round_trip) {
    byte_buffer input = compressible_bytes(200000, 8);
    const std::pair<compression_type, std::vector<int>> levels[] = {
        {compression_type::gzip, {1, 6, 9}},
        {compression_type::lz4, {0, 1, 9, 12}},
        {compression_type::zstd, {-5, 1, 3, 19}}};
    for (const auto& [codec, list] : levels) {
        for (int level : list) {
            codec_result packed = compress(codec, input, level);
            ASSERT_TRUE(packed.ok()) << name_of(codec) << " " << level;
            EXPECT_EQ(decompress(codec, packed.bytes, input.size()).bytes, input) << name_of(codec) << " " << level;
        }
    }
}

TEST(compression, rejects_unknown_codecs_and_levels) {
    auto bogus = static_cast<compression_type>(5);
    EXPECT_EQ(compress(bogus, as_bytes("x")).error, codec_error::unknown_codec);
    EXPECT_EQ(decompress(bogus, as_bytes("x"), 10).error, codec_error::unknown_codec);
    EXPECT_EQ(compress(compression_type::gzip, as_bytes("x"), 42).error, codec_error::bad_level);
    EXPECT_EQ(compress(compression_type::zstd, as_bytes("x"), 1000).error, codec_error::bad_level);
}

TEST(compression, none_copies_within_the_bound) {
    codec_result copied = decompress(compression_type::none, as_bytes("abcdef"), 6);
    ASSERT_TRUE(copied.ok());
    EXPECT_EQ(as_chars(copied.bytes), "abcdef");
    EXPECT_EQ(decompress(compression_type::none, as_bytes("abcdef"), 5).error, codec_error::too_large);
}

// Java-compatible stream headers: the bytes a Java consumer's decoder expects first.
TEST(compression, writes_the_formats_java_clients_read) {
    byte_buffer input = compressible_bytes(1000, 9);
    byte_buffer gz = compress(compression_type::gzip, input).bytes;
    EXPECT_EQ(gz[0], 0x1f);
    EXPECT_EQ(gz[1], 0x8b);
    byte_buffer lz = compress(compression_type::lz4, input).bytes;
    EXPECT_EQ(be::load<uint32_t>(lz.data()), 0x04224d18u); // magic 0x184D2204, little-endian
    EXPECT_EQ(lz[4], 0x60);                                // FLG: version 01, independent blocks, no checksums
    EXPECT_EQ(lz[5], 0x40);                                // BD: 64 KiB maximum block size
    byte_buffer zs = compress(compression_type::zstd, input).bytes;
    EXPECT_EQ(be::load<uint32_t>(zs.data()), 0x28b52ffdu);
    byte_buffer sn = compress(compression_type::snappy, input).bytes;
    const uint8_t xerial_header[] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00, 0, 0, 0, 1, 0, 0, 0, 1};
    ASSERT_GE(sn.size(), 16u);
    EXPECT_EQ(std::memcmp(sn.data(), xerial_header, 16), 0);
}

TEST(snappy, xerial_chunks_hold_32_kib_each) {
    byte_buffer input = random_bytes(100 * 1024, 10);
    byte_buffer packed = compress(compression_type::snappy, input).bytes;
    size_t pos = 16, chunks = 0, total = 0;
    while (pos < packed.size()) {
        int32_t length = be::load<int32_t>(packed.data() + pos);
        pos += 4;
        std::string out;
        const char* block = reinterpret_cast<const char*>(packed.data() + pos);
        ASSERT_TRUE(snappy::Uncompress(block, static_cast<size_t>(length), &out));
        EXPECT_EQ(out.size(), chunks < 3 ? 32768u : 100u * 1024 - 3 * 32768);
        total += out.size();
        pos += static_cast<size_t>(length);
        ++chunks;
    }
    EXPECT_EQ(chunks, 4u);
    EXPECT_EQ(total, input.size());
}

byte_buffer raw_snappy(byte_view input) {
    std::string out;
    snappy::Compress(reinterpret_cast<const char*>(input.data()), input.size(), &out);
    return byte_buffer(out.begin(), out.end());
}

byte_buffer xerial(const std::vector<byte_buffer>& blocks) {
    byte_buffer out = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00, 0, 0, 0, 1, 0, 0, 0, 1};
    for (const auto& b : blocks) {
        uint8_t len[4];
        be::store<int32_t>(len, static_cast<int32_t>(b.size()));
        out.insert(out.end(), len, len + 4);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

TEST(snappy, reads_raw_blocks_as_librdkafka_sends) {
    byte_buffer input = compressible_bytes(300000, 11);
    codec_result r = decompress(compression_type::snappy, raw_snappy(input), input.size());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.bytes, input);
    EXPECT_EQ(decompress(compression_type::snappy, raw_snappy({}), 0).error, codec_error::none);
}

TEST(snappy, reads_hand_built_xerial_frames) {
    byte_buffer a = compressible_bytes(5000, 12), b = random_bytes(7000, 13);
    codec_result r = decompress(compression_type::snappy, xerial({raw_snappy(a), raw_snappy(b)}), 12000);
    ASSERT_TRUE(r.ok()) << to_string(r.error);
    byte_buffer both = a;
    both.insert(both.end(), b.begin(), b.end());
    EXPECT_EQ(r.bytes, both);
    EXPECT_EQ(decompress(compression_type::snappy, xerial({raw_snappy(a), raw_snappy(b)}), 11999).error,
              codec_error::too_large);
    // A header and no chunks: what snappy-java writes for empty input.
    codec_result empty = decompress(compression_type::snappy, xerial({}), 100);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty.bytes.empty());
}

TEST(snappy, rejects_malformed_xerial_chunks) {
    byte_buffer good = xerial({raw_snappy(as_bytes("some data"))});
    byte_buffer short_length = xerial({});
    short_length.insert(short_length.end(), {0, 0, 1});
    EXPECT_EQ(decompress(compression_type::snappy, short_length, 100).error, codec_error::corrupt);
    byte_buffer negative = good;
    be::store<int32_t>(negative.data() + 16, -5);
    EXPECT_EQ(decompress(compression_type::snappy, negative, 100).error, codec_error::corrupt);
    byte_buffer beyond = good;
    be::store<int32_t>(beyond.data() + 16, 1000);
    EXPECT_EQ(decompress(compression_type::snappy, beyond, 100).error, codec_error::corrupt);
    byte_buffer bad_block = xerial({{0x05, 0xff, 0xff}});
    EXPECT_EQ(decompress(compression_type::snappy, bad_block, 100).error, codec_error::corrupt);
    // A cut between chunks is a shorter valid stream (the format has no end marker).
    byte_buffer first = raw_snappy(as_bytes("first"));
    byte_buffer two = xerial({first, raw_snappy(as_bytes("second"))});
    codec_result cut = decompress(compression_type::snappy, byte_view(two).first(16 + 4 + first.size()), 100);
    ASSERT_TRUE(cut.ok());
    EXPECT_EQ(as_chars(cut.bytes), "first");
    // A cut inside a chunk is not.
    EXPECT_EQ(decompress(compression_type::snappy, byte_view(two).first(two.size() - 1), 100).error,
              codec_error::corrupt);
}

TEST(snappy, checks_the_declared_length_before_allocating) {
    // A raw block claiming 1 GiB: refused from its 5-byte header alone.
    byte_buffer header(5);
    size_t n = varint::put_u64(header.data(), uint64_t{1} << 30);
    header.resize(n);
    header.push_back(0x00);
    byte_buffer out;
    EXPECT_EQ(decompress_into(compression_type::snappy, header, 1 << 20, out), codec_error::too_large);
    EXPECT_EQ(out.capacity(), 0u);
}

TEST(compression, reads_concatenated_gzip_members_and_zstd_and_lz4_frames) {
    byte_buffer a = compressible_bytes(10000, 14), b = random_bytes(3000, 15);
    byte_buffer both = a;
    both.insert(both.end(), b.begin(), b.end());
    for (auto codec : {compression_type::gzip, compression_type::lz4, compression_type::zstd}) {
        byte_buffer packed = compress(codec, a).bytes, second = compress(codec, b).bytes;
        packed.insert(packed.end(), second.begin(), second.end());
        codec_result r = decompress(codec, packed, both.size());
        ASSERT_TRUE(r.ok()) << name_of(codec) << ": " << to_string(r.error);
        EXPECT_EQ(r.bytes, both) << name_of(codec);
        EXPECT_EQ(decompress(codec, packed, both.size() - 1).error, codec_error::too_large) << name_of(codec);
        // Garbage after a complete stream is not silently ignored.
        packed.push_back(0x01);
        EXPECT_EQ(decompress(codec, packed, both.size()).error, codec_error::corrupt) << name_of(codec);
    }
}

TEST(compression, zstd_refuses_a_declared_content_size_over_the_bound_at_once) {
    byte_buffer input(2 << 20, 0);
    byte_buffer packed = compress(compression_type::zstd, input).bytes; // one-shot: size in the header
    ASSERT_EQ(ZSTD_getFrameContentSize(packed.data(), packed.size()), input.size());
    byte_buffer out;
    EXPECT_EQ(decompress_into(compression_type::zstd, packed, 1 << 20, out), codec_error::too_large);
    EXPECT_EQ(out.capacity(), 0u);
}

// Decompression bombs: 1 GiB of zeros, compressed as a streaming producer would (no declared
// size where the format allows leaving it out), then decompressed with a 1 MiB bound.
constexpr size_t bomb_bytes = size_t{1} << 30;
constexpr size_t bomb_chunk_bytes = size_t{1} << 20;
constexpr size_t bound_bytes = size_t{1} << 20;

byte_buffer gzip_bomb() {
    z_stream zs{};
    // Z_RLE finds the runs of zeros as fast as they can be fed.
    EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_RLE), Z_OK);
    byte_buffer zeros(bomb_chunk_bytes, 0), out(deflateBound(&zs, bomb_bytes) / 64 + (1 << 20));
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    for (size_t fed = 0; fed < bomb_bytes; fed += zeros.size()) {
        zs.next_in = zeros.data();
        zs.avail_in = static_cast<uInt>(zeros.size());
        EXPECT_EQ(deflate(&zs, fed + zeros.size() == bomb_bytes ? Z_FINISH : Z_NO_FLUSH),
                  fed + zeros.size() == bomb_bytes ? Z_STREAM_END : Z_OK);
    }
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

byte_buffer lz4_bomb() {
    LZ4F_cctx* ctx = nullptr;
    EXPECT_FALSE(LZ4F_isError(LZ4F_createCompressionContext(&ctx, LZ4F_VERSION)));
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    byte_buffer zeros(bomb_chunk_bytes, 0), out;
    byte_buffer step(LZ4F_compressBound(zeros.size(), &prefs) + LZ4F_HEADER_SIZE_MAX);
    auto append = [&](size_t n) {
        EXPECT_FALSE(LZ4F_isError(n));
        out.insert(out.end(), step.begin(), step.begin() + static_cast<std::ptrdiff_t>(n));
    };
    append(LZ4F_compressBegin(ctx, step.data(), step.size(), &prefs));
    for (size_t fed = 0; fed < bomb_bytes; fed += zeros.size())
        append(LZ4F_compressUpdate(ctx, step.data(), step.size(), zeros.data(), zeros.size(), nullptr));
    append(LZ4F_compressEnd(ctx, step.data(), step.size(), nullptr));
    LZ4F_freeCompressionContext(ctx);
    return out;
}

byte_buffer zstd_bomb() {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    byte_buffer zeros(bomb_chunk_bytes, 0), out, step(ZSTD_CStreamOutSize());
    for (size_t fed = 0; fed < bomb_bytes; fed += zeros.size()) {
        bool last = fed + zeros.size() == bomb_bytes;
        ZSTD_inBuffer in{zeros.data(), zeros.size(), 0};
        size_t left = 0;
        do {
            ZSTD_outBuffer o{step.data(), step.size(), 0};
            left = ZSTD_compressStream2(ctx, &o, &in, last ? ZSTD_e_end : ZSTD_e_continue);
            EXPECT_FALSE(ZSTD_isError(left));
            out.insert(out.end(), step.begin(), step.begin() + static_cast<std::ptrdiff_t>(o.pos));
        } while (last ? left != 0 : in.pos < in.size);
    }
    ZSTD_freeCCtx(ctx);
    return out;
}

byte_buffer xerial_bomb() {
    // snappy-java's 32 KiB chunks, each a block of zeros, repeated to 1 GiB.
    byte_buffer block = raw_snappy(byte_buffer(32 * 1024, 0));
    return xerial(std::vector<byte_buffer>(bomb_bytes / (32 * 1024), block));
}

TEST(compression, decompression_bombs_fail_fast_within_the_bound) {
    const std::pair<compression_type, byte_buffer (*)()> bombs[] = {
        {compression_type::gzip, gzip_bomb},
        {compression_type::lz4, lz4_bomb},
        {compression_type::zstd, zstd_bomb},
        {compression_type::snappy, xerial_bomb},
    };
    for (const auto& [codec, make] : bombs) {
        byte_buffer bomb = make();
        if (codec == compression_type::zstd) {
            EXPECT_EQ(ZSTD_getFrameContentSize(bomb.data(), bomb.size()), ZSTD_CONTENTSIZE_UNKNOWN);
        }
        byte_buffer out;
        auto start = std::chrono::steady_clock::now();
        codec_error e = decompress_into(codec, bomb, bound_bytes, out);
        auto elapsed = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(e, codec_error::too_large) << name_of(codec);
        EXPECT_LE(out.capacity(), bound_bytes + 1) << name_of(codec);
        // Generous for a loaded, sanitized build; a decoder that ran on to 1 GiB takes far longer.
        EXPECT_LT(elapsed, std::chrono::seconds(2)) << name_of(codec);
        RecordProperty(name_of(codec) + "_compressed_bytes", static_cast<int>(bomb.size()));
        RecordProperty(name_of(codec) + "_decompress_us",
                       static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
    }
}

} // namespace
} // namespace sluice::protocol
