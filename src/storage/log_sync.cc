// The log's side of group commit (sync_plan.h): kept apart from log.cc because the flush
// service, not the log, decides when these run.
#include "storage/log.h"

namespace sluice::storage {

sync_plan log::prepare_sync() {
    sync_plan plan;
    plan.point.up_to = _next_offset;
    plan.point.truncation_count = _truncation_count;
    plan.point.dir = _dir_changed;
    plan.dir = _dir;
    _dir_changed = false; // mark_sync_failed() sets it again
    for (size_t i = floor_segment(_recovery_point); i < _segments.size(); ++i)
        plan.files.push_back(_segments[i]->log_file());
    return plan;
}

void log::mark_synced(const sync_point& point) {
    // A truncation since the plan was made may have replaced synced bytes with unsynced ones.
    if (point.truncation_count != _truncation_count) return;
    _recovery_point = std::max(_recovery_point, std::min(point.up_to, _next_offset));
}

void log::mark_sync_failed(const sync_point& point) {
    if (point.dir) _dir_changed = true;
}

} // namespace sluice::storage
