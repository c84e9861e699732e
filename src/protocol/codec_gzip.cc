// gzip (attributes codec 1): one gzip member per batch, as Java's GZIPOutputStream writes.
#include <climits>

#include <zlib.h>

#include "protocol/codec_internal.h"

namespace sluice::protocol::codec {

namespace {

constexpr int window_bits = 15;
constexpr int gzip_wrapper = 16;  // deflateInit2: write a gzip header and trailer
constexpr int detect_wrapper = 32; // inflateInit2: accept gzip or zlib headers
constexpr int mem_level = 8;

// zlib counts in uInt; a batch is at most 2 GiB, but never pass it more than it can count.
uInt clamp_uint(size_t n) noexcept { return n > UINT_MAX ? UINT_MAX : static_cast<uInt>(n); }

struct inflate_stream {
    z_stream zs{};
    bool open = false;
    ~inflate_stream() {
        if (open) inflateEnd(&zs);
    }
};

} // namespace

codec_error gzip_compress(byte_view input, byte_buffer& out, std::optional<int> level) {
    z_stream zs{};
    int rc = deflateInit2(&zs, level.value_or(Z_DEFAULT_COMPRESSION), Z_DEFLATED, window_bits + gzip_wrapper,
                          mem_level, Z_DEFAULT_STRATEGY);
    if (rc == Z_STREAM_ERROR) return codec_error::bad_level;
    if (rc != Z_OK) return codec_error::internal;
    out.resize(deflateBound(&zs, input.size()));
    zs.next_in = const_cast<Bytef*>(input.data());
    zs.next_out = out.data();
    size_t in_left = input.size();
    size_t out_left = out.size();
    do {
        // deflateBound() is enough output for one Z_FINISH; the loop only feeds input over 4 GiB.
        uInt in_chunk = clamp_uint(in_left);
        uInt out_chunk = clamp_uint(out_left);
        zs.avail_in = in_chunk;
        zs.avail_out = out_chunk;
        rc = deflate(&zs, in_left == in_chunk ? Z_FINISH : Z_NO_FLUSH);
        in_left -= in_chunk - zs.avail_in;
        out_left -= out_chunk - zs.avail_out;
    } while (rc == Z_OK);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return codec_error::internal;
    out.resize(out.size() - out_left);
    return codec_error::none;
}

codec_error gzip_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out) {
    inflate_stream s;
    if (inflateInit2(&s.zs, window_bits + detect_wrapper) != Z_OK) return codec_error::internal;
    s.open = true;
    s.zs.next_in = const_cast<Bytef*>(input.data());
    size_t in_left = input.size();
    bounded_output output(out, max_output_bytes, size_hint(input));
    for (;;) {
        std::span<uint8_t> space = output.space();
        if (space.empty()) return codec_error::too_large;
        uInt in_chunk = clamp_uint(in_left);
        uInt out_chunk = clamp_uint(space.size());
        s.zs.avail_in = in_chunk;
        s.zs.next_out = space.data();
        s.zs.avail_out = out_chunk;
        int rc = inflate(&s.zs, Z_NO_FLUSH);
        in_left -= in_chunk - s.zs.avail_in;
        output.commit(out_chunk - s.zs.avail_out);
        if (output.over_limit()) return codec_error::too_large;
        if (rc == Z_STREAM_END) {
            if (in_left == 0) break;
            // Another member follows: gzip allows concatenation and Java's reader accepts it.
            if (inflateReset(&s.zs) != Z_OK) return codec_error::internal;
            continue;
        }
        if (rc == Z_MEM_ERROR) return codec_error::internal;
        if (rc == Z_BUF_ERROR && s.zs.avail_out == 0) continue; // output full: grow and go on
        // Z_BUF_ERROR with output space left means the input ended inside the stream.
        if (rc != Z_OK) return codec_error::corrupt;
    }
    output.finish();
    return codec_error::none;
}

} // namespace sluice::protocol::codec
