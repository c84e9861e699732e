#include "protocol/compression.h"

#include "protocol/codec_internal.h"

namespace sluice::protocol {

std::string_view to_string(compression_type type) noexcept {
    switch (type) {
    case compression_type::none: return "none";
    case compression_type::gzip: return "gzip";
    case compression_type::snappy: return "snappy";
    case compression_type::lz4: return "lz4";
    case compression_type::zstd: return "zstd";
    }
    return "unknown";
}

std::string_view to_string(codec_error error) noexcept {
    switch (error) {
    case codec_error::none: return "none";
    case codec_error::unknown_codec: return "unknown compression codec";
    case codec_error::bad_level: return "compression level not accepted by the codec";
    case codec_error::corrupt: return "corrupt compressed data";
    case codec_error::too_large: return "decompressed data too large";
    case codec_error::internal: return "compression library failure";
    }
    return "unknown";
}

codec_error compress_into(compression_type type, byte_view input, byte_buffer& out, std::optional<int> level) {
    switch (type) {
    case compression_type::none: out.assign(input.begin(), input.end()); return codec_error::none;
    case compression_type::gzip: return codec::gzip_compress(input, out, level);
    case compression_type::snappy: return codec::snappy_compress(input, out);
    case compression_type::lz4: return codec::lz4_compress(input, out, level);
    case compression_type::zstd: return codec::zstd_compress(input, out, level);
    }
    return codec_error::unknown_codec;
}

codec_error decompress_into(compression_type type, byte_view input, size_t max_output_bytes, byte_buffer& out) {
    codec_error error = codec_error::unknown_codec;
    switch (type) {
    case compression_type::none:
        if (input.size() > max_output_bytes) {
            error = codec_error::too_large;
            break;
        }
        out.assign(input.begin(), input.end());
        return codec_error::none;
    case compression_type::gzip: error = codec::gzip_decompress(input, max_output_bytes, out); break;
    case compression_type::snappy: error = codec::snappy_decompress(input, max_output_bytes, out); break;
    case compression_type::lz4: error = codec::lz4_decompress(input, max_output_bytes, out); break;
    case compression_type::zstd: error = codec::zstd_decompress(input, max_output_bytes, out); break;
    }
    // A failed decompression leaves nothing a caller could mistake for data.
    if (error != codec_error::none) out.clear();
    return error;
}

codec_result compress(compression_type type, byte_view input, std::optional<int> level) {
    codec_result r;
    r.error = compress_into(type, input, r.bytes, level);
    return r;
}

codec_result decompress(compression_type type, byte_view input, size_t max_output_bytes) {
    codec_result r;
    r.error = decompress_into(type, input, max_output_bytes, r.bytes);
    return r;
}

} // namespace sluice::protocol
