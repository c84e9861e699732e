// lz4 (attributes codec 3): the LZ4 frame format (KIP-57), decoded by streaming into bounded
// output so a frame's optional content-size field is never trusted for allocation.
#include <lz4frame.h>

#include "protocol/codec_internal.h"

namespace sluice::protocol::codec {

namespace {

struct decompression_context {
    LZ4F_dctx* dctx = nullptr;
    ~decompression_context() {
        if (dctx) LZ4F_freeDecompressionContext(dctx);
    }
};

} // namespace

codec_error lz4_compress(byte_view input, byte_buffer& out, std::optional<int> level) {
    // What the Java producer writes (KafkaLZ4BlockOutputStream): 64 KiB independent blocks, no
    // checksums beyond the header's. Older Java readers reject linked blocks.
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.compressionLevel = level.value_or(0);
    out.resize(LZ4F_compressFrameBound(input.size(), &prefs));
    size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
    if (LZ4F_isError(n)) return codec_error::internal;
    out.resize(n);
    return codec_error::none;
}

codec_error lz4_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out) {
    if (input.empty()) return codec_error::corrupt;
    decompression_context ctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx.dctx, LZ4F_VERSION))) return codec_error::internal;
    bounded_output output(out, max_output_bytes, size_hint(input));
    const uint8_t* src = input.data();
    size_t src_left = input.size();
    // LZ4F_decompress returns 0 once a frame is complete; otherwise more input is expected or
    // decoded bytes are still buffered inside the context.
    size_t expected = 1;
    while (src_left > 0 || expected != 0) {
        std::span<uint8_t> space = output.space();
        if (space.empty()) return codec_error::too_large;
        size_t dst_n = space.size();
        size_t src_n = src_left;
        expected = LZ4F_decompress(ctx.dctx, space.data(), &dst_n, src, &src_n, nullptr);
        if (LZ4F_isError(expected)) return codec_error::corrupt;
        src += src_n;
        src_left -= src_n;
        output.commit(dst_n);
        if (output.over_limit()) return codec_error::too_large;
        // No input left, no output made, frame unfinished: the frame was cut short. (Input
        // left after a finished frame starts the next frame, as in the lz4 tool.)
        if (src_n == 0 && dst_n == 0) return codec_error::corrupt;
    }
    output.finish();
    return codec_error::none;
}

} // namespace sluice::protocol::codec
