#pragma once
// Reads record batch headers from a .log file: what lookups and scans need without reading
// the records. Stateless.
#include <cstdint>
#include <optional>

#include "base/ids.h"
#include "storage/file_system.h"

namespace sluice::storage {

struct batch_header {
    uint64_t position = 0;    // of the batch in the file
    uint64_t size_bytes = 0;  // the whole batch: 12 + batch_length
    model::offset base_offset;
    model::offset last_offset;
    int64_t max_timestamp = -1;
    model::leader_epoch leader_epoch;
};

// The header of the batch at `position`, or nullopt when the file ends before the header or
// before the batch it announces does (a torn tail), or the header is not a v2 batch header.
result<std::optional<batch_header>> read_batch_header(file_handle& file, uint64_t position, uint64_t file_size);

} // namespace sluice::storage
