#pragma once
// sync_plan: what one group-commit sync must cover to make a log durable up to an offset.
// Captured by log::prepare_sync() on the log's owner thread, executed by the flush service on
// its own thread (flush_service.h), reported back to log::mark_synced() on the owner thread.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/ids.h"
#include "storage/file_system.h"

namespace sluice::storage {

// Where the log stood when the plan was made; mark_synced() needs nothing else.
struct sync_point {
    model::offset up_to{0};        // every offset below it is in the plan's files
    uint64_t truncation_count = 0; // a truncation since makes the plan stale
    bool dir = false;              // the plan syncs the partition directory
};

struct sync_plan {
    sync_point point;
    // The .log files from the segment holding the recovery point to the active one. Only
    // fdatasync() is called on them off the owner thread: it is the one file_handle call that
    // is safe concurrently with the owner's writes (the kernel orders them).
    std::vector<std::shared_ptr<file_handle>> files;
    std::string dir; // the partition directory, synced when point.dir (a segment was created/removed)
};

} // namespace sluice::storage
