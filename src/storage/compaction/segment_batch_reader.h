#pragma once
// segment_batch_reader: a segment's batches in order, each read whole and CRC-checked into a
// buffer the reader reuses (the view returned by next() lives until the next call).
// For the log cleaner; holds the segment's file open. One shard; not thread-safe.
#include <cstdint>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "protocol/record_batch.h"
#include "storage/file_system.h"

namespace sluice::storage {

class segment_batch_reader {
public:
    segment_batch_reader(std::shared_ptr<file_handle> file, uint64_t size_bytes) noexcept
        : _file(std::move(file)), _size_bytes(size_bytes) {}

    // The next batch, nullopt after the last; `corrupt` for a bad frame or CRC.
    result<std::optional<protocol::record_batch_view>> next();

private:
    std::shared_ptr<file_handle> _file;
    uint64_t _size_bytes;
    uint64_t _position = 0;
    byte_buffer _buffer;
};

} // namespace sluice::storage
