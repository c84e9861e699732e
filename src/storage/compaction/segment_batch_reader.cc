#include "storage/compaction/segment_batch_reader.h"

#include "storage/batch_header_reader.h"

namespace sluice::storage {

result<std::optional<protocol::record_batch_view>> segment_batch_reader::next() {
    using none = std::optional<protocol::record_batch_view>;
    if (_position >= _size_bytes) return none();
    auto header = read_batch_header(*_file, _position, _size_bytes);
    if (!header) return header.error();
    if (!*header) return storage_errc::corrupt; // below the segment's size every batch is whole
    _buffer.resize((*header)->size_bytes);
    auto n = _file->read_at(_position, _buffer);
    if (!n) return n.error();
    if (*n != _buffer.size()) return storage_errc::corrupt;
    protocol::batch_parse_result parsed = protocol::parse_batch(_buffer);
    if (parsed.error != protocol::batch_error::none || parsed.batch.compute_crc() != parsed.batch.crc())
        return storage_errc::corrupt;
    _position += _buffer.size();
    return none(parsed.batch);
}

} // namespace sluice::storage
