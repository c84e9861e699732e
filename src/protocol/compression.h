#pragma once
// The record batch compression codecs of Kafka (attributes bits 0-2): gzip, snappy, lz4, zstd.
//
// Decompression is bounded: the caller states how many bytes it accepts, output grows by
// doubling up to that bound, and a stream that would exceed it fails with `too_large` without
// ever allocating more. Length fields inside compressed data are checked against the bound
// before they size anything. Functions are stateless and safe to call from any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"

namespace sluice::protocol {

enum class compression_type : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
inline constexpr uint8_t compression_type_max = 4;

enum class codec_error : uint8_t {
    none = 0,
    unknown_codec, // the id is not one of compression_type
    bad_level,     // the codec refused the compression level
    corrupt,       // malformed or truncated compressed data
    too_large,     // decompressed data exceeds the caller's bound
    internal,      // the library failed for another reason (allocation)
};

std::string_view to_string(compression_type type) noexcept;
std::string_view to_string(codec_error error) noexcept;

struct codec_result {
    codec_error error = codec_error::none;
    byte_buffer bytes;
    bool ok() const noexcept { return error == codec_error::none; }
};

// Compresses `input` in the format Kafka's Java producer writes: gzip member, xerial-framed
// snappy (32 KiB blocks), LZ4 frame (64 KiB independent blocks), zstd frame. `level` is the
// codec's own scale; nullopt picks its default.
codec_result compress(compression_type type, byte_view input, std::optional<int> level = std::nullopt);
// As compress(), writing into `out` (replaced) so callers can reuse its capacity.
codec_error compress_into(compression_type type, byte_view input, byte_buffer& out,
                          std::optional<int> level = std::nullopt);

// Decompresses `input` (for snappy: raw, as librdkafka sends, or xerial-framed, as the Java
// client sends; detected by the xerial magic). Fails with `too_large` as soon as the output
// would exceed `max_output_bytes`.
codec_result decompress(compression_type type, byte_view input, size_t max_output_bytes);
// As decompress(), writing into `out` (replaced; its capacity is reused).
codec_error decompress_into(compression_type type, byte_view input, size_t max_output_bytes,
                            byte_buffer& out);

} // namespace sluice::protocol
