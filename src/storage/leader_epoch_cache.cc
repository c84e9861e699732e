#include "storage/leader_epoch_cache.h"

#include <algorithm>

#include "storage/checkpoint_file.h"
#include "storage/segment_format.h"

namespace sluice::storage {

result<leader_epoch_cache> leader_epoch_cache::load(file_system& fs, std::string dir) {
    leader_epoch_cache cache(fs, dir);
    auto lines = read_checkpoint(fs, dir, segment_format::leader_epoch_checkpoint_name, 2);
    if (!lines) {
        if (lines.error() == storage_errc::not_found) return cache;
        return lines.error();
    }
    for (const checkpoint_line& line : *lines) {
        std::optional<int64_t> epoch = parse_int64(line[0]);
        std::optional<int64_t> start = parse_int64(line[1]);
        if (!epoch || !start || *epoch < 0 || *epoch > INT32_MAX || *start < 0) return storage_errc::corrupt;
        epoch_entry entry{model::leader_epoch(static_cast<int32_t>(*epoch)), model::offset(*start)};
        if (!cache._entries.empty() && (cache._entries.back().epoch >= entry.epoch ||
                                        cache._entries.back().start_offset >= entry.start_offset))
            return storage_errc::corrupt;
        cache._entries.push_back(entry);
    }
    return cache;
}

storage_errc leader_epoch_cache::persist() {
    std::vector<checkpoint_line> lines;
    for (const epoch_entry& e : _entries)
        lines.push_back({std::to_string(e.epoch.value()), std::to_string(e.start_offset.value())});
    return write_checkpoint(*_fs, _dir, segment_format::leader_epoch_checkpoint_name, lines);
}

storage_errc leader_epoch_cache::assign(model::leader_epoch epoch, model::offset start_offset) {
    if (epoch.value() < 0 || start_offset.value() < 0) return storage_errc::invalid_argument;
    if (!_entries.empty() && _entries.back().epoch == epoch && _entries.back().start_offset <= start_offset)
        return storage_errc::none; // the epoch is known and started earlier
    std::erase_if(_entries, [&](const epoch_entry& e) { return e.epoch >= epoch || e.start_offset >= start_offset; });
    _entries.push_back({epoch, start_offset});
    return persist();
}

storage_errc leader_epoch_cache::truncate_from_end(model::offset end_offset) {
    if (_entries.empty() || _entries.back().start_offset < end_offset) return storage_errc::none;
    std::erase_if(_entries, [&](const epoch_entry& e) { return e.start_offset >= end_offset; });
    return persist();
}

storage_errc leader_epoch_cache::truncate_from_start(model::offset start_offset) {
    auto first_kept = std::find_if(_entries.begin(), _entries.end(),
                                   [&](const epoch_entry& e) { return e.start_offset > start_offset; });
    if (first_kept == _entries.begin()) return storage_errc::none;
    epoch_entry holding = *(first_kept - 1);
    if (holding.start_offset == start_offset && first_kept - 1 == _entries.begin()) return storage_errc::none;
    _entries.erase(_entries.begin(), first_kept);
    _entries.insert(_entries.begin(), {holding.epoch, start_offset});
    return persist();
}

epoch_end_offset leader_epoch_cache::end_offset_for(model::leader_epoch requested, model::offset log_end_offset) const {
    const epoch_end_offset unknown{model::no_leader_epoch, model::no_offset};
    if (requested == model::no_leader_epoch) return unknown;
    if (!_entries.empty() && requested == _entries.back().epoch) return {requested, log_end_offset};
    auto higher = std::upper_bound(_entries.begin(), _entries.end(), requested,
                                   [](model::leader_epoch r, const epoch_entry& e) { return r < e.epoch; });
    if (higher == _entries.end()) return unknown;
    // No entry at or below: the data of earlier epochs is gone; answer with the requested
    // epoch and where the next known one starts, so the follower truncates to there.
    if (higher == _entries.begin()) return {requested, higher->start_offset};
    return {(higher - 1)->epoch, higher->start_offset};
}

} // namespace sluice::storage
