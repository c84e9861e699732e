// snappy (attributes codec 2), in both shapes clients send: a raw snappy block (librdkafka)
// or the xerial stream of snappy-java (the Java client): a 16-byte header, then chunks of
// [int32 big-endian compressed length][raw snappy block].
#include <array>
#include <cstring>

#include <snappy.h>

#include "base/endian.h"
#include "protocol/codec_internal.h"

namespace sluice::protocol::codec {

namespace {

constexpr std::array<uint8_t, 8> xerial_magic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00};
constexpr size_t xerial_header_bytes = 16; // magic, int32 version, int32 minimum compatible version
constexpr int32_t xerial_version = 1;
constexpr int32_t xerial_compatible_version = 1;
constexpr size_t xerial_block_bytes = 32 * 1024; // snappy-java's default block size

bool is_xerial(byte_view input) noexcept {
    return input.size() >= xerial_header_bytes &&
           std::memcmp(input.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

const char* chars(const uint8_t* p) noexcept { return reinterpret_cast<const char*>(p); }

// Appends one raw block to `output`, its declared length checked against the bound before
// anything is allocated for it.
codec_error append_raw_block(byte_view block, bounded_output& output) {
    size_t length = 0;
    if (!snappy::GetUncompressedLength(chars(block.data()), block.size(), &length)) return codec_error::corrupt;
    if (length > output.remaining()) return codec_error::too_large;
    std::span<uint8_t> space = output.extend(length);
    if (space.size() != length) return codec_error::too_large;
    if (!snappy::RawUncompress(chars(block.data()), block.size(), reinterpret_cast<char*>(space.data())))
        return codec_error::corrupt;
    output.commit(length);
    return codec_error::none;
}

codec_error xerial_decompress(byte_view input, bounded_output& output) {
    // The version fields are not checked, as in librdkafka: every writer uses 1/1 and the
    // chunk layout has never changed.
    size_t pos = xerial_header_bytes;
    while (pos < input.size()) {
        if (input.size() - pos < 4) return codec_error::corrupt;
        int32_t length = be::load<int32_t>(input.data() + pos);
        pos += 4;
        if (length < 0 || static_cast<size_t>(length) > input.size() - pos) return codec_error::corrupt;
        codec_error error = append_raw_block(input.subspan(pos, static_cast<size_t>(length)), output);
        if (error != codec_error::none) return error;
        pos += static_cast<size_t>(length);
    }
    return codec_error::none;
}

} // namespace

codec_error snappy_compress(byte_view input, byte_buffer& out) {
    out.assign(xerial_magic.begin(), xerial_magic.end());
    out.resize(xerial_header_bytes);
    be::store<int32_t>(out.data() + 8, xerial_version);
    be::store<int32_t>(out.data() + 12, xerial_compatible_version);
    for (size_t pos = 0; pos < input.size(); pos += xerial_block_bytes) {
        size_t n = std::min(xerial_block_bytes, input.size() - pos);
        size_t at = out.size();
        out.resize(at + 4 + snappy::MaxCompressedLength(n));
        size_t written = 0;
        snappy::RawCompress(chars(input.data() + pos), n, reinterpret_cast<char*>(out.data() + at + 4), &written);
        be::store<int32_t>(out.data() + at, static_cast<int32_t>(written));
        out.resize(at + 4 + written);
    }
    return codec_error::none;
}

codec_error snappy_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out) {
    bounded_output output(out, max_output_bytes, 0);
    codec_error error = is_xerial(input) ? xerial_decompress(input, output) : append_raw_block(input, output);
    if (error != codec_error::none) return error;
    output.finish();
    return codec_error::none;
}

} // namespace sluice::protocol::codec
