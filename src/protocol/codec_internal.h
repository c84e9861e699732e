#pragma once
// Shared by the codec implementations (codec_*.cc); not part of the protocol module's API.
#include <algorithm>
#include <optional>
#include <span>

#include "base/assert.h"
#include "protocol/compression.h"

namespace sluice::protocol::codec {

// The output of one decompression: grows by doubling, never beyond `limit + 1` bytes. The one
// byte past the caller's limit is how a decoder learns the stream is too large without
// decoding (or allocating) any further.
class bounded_output {
public:
    bounded_output(byte_buffer& out, size_t limit_bytes, size_t size_hint_bytes)
        : _out(out), _capacity_max(limit_bytes + 1), _limit(limit_bytes) {
        SLUICE_ASSERT(limit_bytes < (size_t{1} << 48), "decompression bound is not a real size");
        _out.clear();
        _initial = std::clamp<size_t>(size_hint_bytes, 64, _capacity_max);
    }

    // Writable space after the bytes written so far; empty once the hard cap is reached.
    std::span<uint8_t> space() {
        if (_written == _out.size()) {
            if (_out.size() >= _capacity_max) return {};
            size_t next = _out.empty() ? _initial : std::min(_out.size() * 2, _capacity_max);
            // reserve() first: resize() alone may round capacity up past the cap.
            _out.reserve(next);
            _out.resize(next);
        }
        return std::span<uint8_t>(_out).subspan(_written);
    }
    // Exactly `n` more bytes of space (a snappy block of known length), or empty when that
    // would pass the cap.
    std::span<uint8_t> extend(size_t n) {
        if (n > _capacity_max - _written) return {};
        if (_written + n > _out.size()) {
            size_t grown = std::min(std::max(_written + n, _out.size() * 2), _capacity_max);
            _out.reserve(grown);
            _out.resize(_written + n);
        }
        return std::span<uint8_t>(_out).subspan(_written, n);
    }
    void commit(size_t n) noexcept { _written += n; }
    size_t written() const noexcept { return _written; }
    size_t remaining() const noexcept { return _written >= _limit ? 0 : _limit - _written; }
    bool over_limit() const noexcept { return _written > _limit; }
    void finish() { _out.resize(_written); }

private:
    byte_buffer& _out;
    size_t _capacity_max;
    size_t _limit;
    size_t _initial = 0;
    size_t _written = 0;
};

// A first guess at the decompressed size, to avoid both many doublings and a large
// allocation for a small stream.
inline size_t size_hint(byte_view input) noexcept { return std::max<size_t>(input.size() * 4, 4096); }

codec_error gzip_compress(byte_view input, byte_buffer& out, std::optional<int> level);
codec_error gzip_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out);
codec_error snappy_compress(byte_view input, byte_buffer& out);
codec_error snappy_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out);
codec_error lz4_compress(byte_view input, byte_buffer& out, std::optional<int> level);
codec_error lz4_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out);
codec_error zstd_compress(byte_view input, byte_buffer& out, std::optional<int> level);
codec_error zstd_decompress(byte_view input, size_t max_output_bytes, byte_buffer& out);

} // namespace sluice::protocol::codec
