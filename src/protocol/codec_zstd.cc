// zstd (attributes codec 4): streamed, because frames written by streaming compressors (the
// Java client's ZstdOutputStream) do not carry their content size.
#include <zstd.h>
#include <zstd_errors.h>

#include "protocol/codec_internal.h"

namespace sluice::protocol::codec {

namespace {

// The decoder allocates a window buffer of the size the frame header asks for. Capping the
// window keeps one malicious frame from costing more memory than the output we accept: the
// cap follows the caller's bound, never below 8 MiB (what compression levels up to 19
// use) nor above zstd's own default limit of 128 MiB.
constexpr int window_log_floor = 23;
constexpr int window_log_ceiling = 27;

int window_log_max(size_t max_output_bytes) noexcept {
    int log = window_log_floor;
    while (log < window_log_ceiling && (size_t{1} << log) < max_output_bytes) ++log;
    return log;
}

struct decompression_context {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~decompression_context() { ZSTD_freeDCtx(dctx); }
};

codec_error decode_error(size_t code) noexcept {
    switch (ZSTD_getErrorCode(code)) {
    case ZSTD_error_memory_allocation: return codec_error::internal;
    // The frame needs a window larger than the bound allows: too large for this caller.
    case ZSTD_error_frameParameter_windowTooLarge: return codec_error::too_large;
    default: return codec_error::corrupt;
    }
}

} // namespace

codec_error zstd_compress(byte_view input, byte_buffer& out, std::optional<int> level) {
    int l = level.value_or(ZSTD_CLEVEL_DEFAULT);
    if (l < ZSTD_minCLevel() || l > ZSTD_maxCLevel()) return codec_error::bad_level;
    out.resize(ZSTD_compressBound(input.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), l);
    if (ZSTD_isError(n)) return codec_error::internal;
    out.resize(n);
    return codec_error::none;
}

codec_error zstd_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out) {
    if (input.empty()) return codec_error::corrupt;
    unsigned long long content = ZSTD_getFrameContentSize(input.data(), input.size());
    if (content == ZSTD_CONTENTSIZE_ERROR) return codec_error::corrupt;
    // A declared size over the bound fails now; a declared size under it is only a hint,
    // because the frame may lie.
    size_t hint = size_hint(input);
    if (content != ZSTD_CONTENTSIZE_UNKNOWN) {
        if (content > max_output_bytes) return codec_error::too_large;
        hint = static_cast<size_t>(content) + 1;
    }
    decompression_context ctx;
    if (!ctx.dctx) return codec_error::internal;
    if (ZSTD_isError(ZSTD_DCtx_setParameter(ctx.dctx, ZSTD_d_windowLogMax, window_log_max(max_output_bytes))))
        return codec_error::internal;
    bounded_output output(out, max_output_bytes, hint);
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    for (;;) {
        std::span<uint8_t> space = output.space();
        if (space.empty()) return codec_error::too_large;
        ZSTD_outBuffer o{space.data(), space.size(), 0};
        size_t rc = ZSTD_decompressStream(ctx.dctx, &o, &in);
        if (ZSTD_isError(rc)) return decode_error(rc);
        output.commit(o.pos);
        if (output.over_limit()) return codec_error::too_large;
        bool input_done = in.pos == in.size;
        // rc == 0: the frame is complete and flushed. Input left means another frame follows.
        if (rc == 0 && input_done) break;
        // Input used up, output space left, frame unfinished: the frame was cut short.
        if (input_done && o.pos < o.size) return codec_error::corrupt;
    }
    output.finish();
    return codec_error::none;
}

} // namespace sluice::protocol::codec
