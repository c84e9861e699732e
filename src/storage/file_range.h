#pragma once
// file_range: bytes of a segment file a fetch sends as they are (sendfile(2) when
// file->native_handle() >= 0, else read_at). Always whole batches. The range holds the file
// open: retention may delete the segment meanwhile, the bytes stay readable.
#include <cstdint>
#include <memory>

#include "storage/file_system.h"

namespace sluice::storage {

struct file_range {
    std::shared_ptr<file_handle> file; // null when the range is empty
    uint64_t position = 0;
    uint64_t length = 0;
    bool empty() const noexcept { return length == 0; }
};

} // namespace sluice::storage
