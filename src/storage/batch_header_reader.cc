#include "storage/batch_header_reader.h"

#include <array>

#include "protocol/record_batch.h"

namespace sluice::storage {

namespace batch_format = protocol::batch_format;

result<std::optional<batch_header>> read_batch_header(file_handle& file, uint64_t position, uint64_t file_size) {
    if (position + batch_format::header_bytes > file_size) return std::optional<batch_header>();
    std::array<uint8_t, batch_format::header_bytes> bytes{};
    result<size_t> n = file.read_at(position, bytes);
    if (!n) return n.error();
    if (*n != bytes.size()) return std::optional<batch_header>();
    protocol::record_batch_view view{byte_view(bytes)};
    int64_t size = int64_t{view.batch_length()} + int64_t{batch_format::log_overhead_bytes};
    if (view.magic() != batch_format::magic_v2 || view.batch_length() < batch_format::batch_length_min ||
        view.last_offset_delta() < 0 || position + static_cast<uint64_t>(size) > file_size)
        return std::optional<batch_header>();
    return std::optional<batch_header>(batch_header{
        .position = position,
        .size_bytes = static_cast<uint64_t>(size),
        .base_offset = view.base_offset(),
        .last_offset = model::offset(view.base_offset().value() + view.last_offset_delta()),
        .max_timestamp = view.max_timestamp(),
        .leader_epoch = view.partition_leader_epoch(),
    });
}

} // namespace sluice::storage
