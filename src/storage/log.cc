#include "storage/log.h"

#include <algorithm>
#include <set>

#include "base/assert.h"
#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "storage/compaction/compaction_format.h"
#include "storage/producer_snapshot.h"

namespace sluice::storage {

log::log(file_system& fs, std::string dir, const log_config& config, const clock& clock, leader_epoch_cache epochs)
    : _fs(fs), _dir(std::move(dir)), _config(config), _clock(clock), _epochs(std::move(epochs)),
      _jitter_state(config.jitter_seed) {}

result<std::unique_ptr<log>> log::open(file_system& fs, const std::string& dir, const log_config& config,
                                       const clock& clock, const log_open_options& options) {
    if (storage_errc e = fs.mkdir(dir); e != storage_errc::none) return e;
    auto epochs = leader_epoch_cache::load(fs, dir);
    if (!epochs) return epochs.error();
    std::unique_ptr<log> l(new log(fs, dir, config, clock, std::move(*epochs)));
    if (storage_errc e = l->load_segments(options); e != storage_errc::none) return e;
    l->_active_jitter_ms = l->draw_jitter();
    if (storage_errc e = l->_epochs.truncate_from_end(l->_next_offset); e != storage_errc::none) return e;
    if (storage_errc e = l->_epochs.truncate_from_start(l->_log_start_offset); e != storage_errc::none) return e;
    if (storage_errc e = l->load_producer_state(options.clean_shutdown); e != storage_errc::none) return e;
    // A scan rebuilt indexes and may have cut files: make that durable before appending.
    if (l->_report.segments_scanned > 0)
        if (storage_errc e = l->flush(); e != storage_errc::none) return e;
    return l;
}

storage_errc log::load_segments(const log_open_options& options) {
    auto names = _fs.list_dir(_dir);
    if (!names) return names.error();
    std::set<int64_t> bases;
    for (const std::string& name : *names) {
        if (auto base = parse_segment_file_name(name, segment_format::log_extension)) bases.insert(base->value());
        if (name.find(".snapshot") != std::string::npos) _has_producer_snapshots = true;
    }
    // A .cleaned file is a compaction a crash interrupted before its commit point: the old
    // segment is still whole (docs/formats/compaction.md).
    for (const std::string& name : *names)
        if (name.ends_with(compaction_format::cleaned_suffix))
            if (storage_errc e = _fs.remove(join_path(_dir, name)); e != storage_errc::none) return e;
    // Index files whose .log is gone (a crash while deleting a segment) are orphans.
    for (const std::string& name : *names)
        for (std::string_view ext : {segment_format::index_extension, segment_format::time_index_extension,
                                     segment_format::txn_index_extension})
            if (auto base = parse_segment_file_name(name, ext); base && !bases.contains(base->value()))
                if (storage_errc e = _fs.remove(join_path(_dir, name)); e != storage_errc::none) return e;
    std::vector<int64_t> ordered(bases.begin(), bases.end());
    for (size_t i = 0; i < ordered.size(); ++i) {
        // Trusted: a clean shutdown, or every offset of the segment is below the recovery
        // point (the next segment starts at or below it). The last segment is never trusted
        // after a crash: Kafka recovers from the segment holding the recovery point on.
        bool trusted = options.clean_shutdown ||
                       (i + 1 < ordered.size() && ordered[i + 1] <= options.recovery_point.value());
        model::offset base(ordered[i]);
        if (!_segments.empty() && base < _segments.back()->next_offset()) return storage_errc::corrupt;
        if (storage_errc e = open_segment(base, trusted); e != storage_errc::none) return e;
        if (_report.truncated_from != model::no_offset) {
            // Everything after a cut tail is unreachable: Kafka deletes the later segments.
            for (size_t j = i + 1; j < ordered.size(); ++j) {
                auto doomed = segment::open_for_recovery(_fs, _dir, model::offset(ordered[j]), _config.segment);
                if (!doomed) return doomed.error();
                if (storage_errc e = (*doomed)->remove_files(); e != storage_errc::none) return e;
                ++_report.segments_deleted;
            }
            break;
        }
    }
    if (_segments.empty()) {
        if (storage_errc e = roll(options.log_start_offset); e != storage_errc::none) return e;
    }
    _next_offset = active().next_offset();
    _log_start_offset = std::max(options.log_start_offset, _segments.front()->base_offset());
    _recovery_point = std::min(options.clean_shutdown ? _next_offset : options.recovery_point, _next_offset);
    if (_log_start_offset > _next_offset) return restart_at(_log_start_offset);
    return storage_errc::none;
}

storage_errc log::open_segment(model::offset base, bool trusted) {
    if (trusted) {
        auto s = segment::open(_fs, _dir, base, _config.segment);
        if (s) {
            _segments.push_back(std::move(*s));
            return storage_errc::none;
        }
        if (s.error() != storage_errc::corrupt) return s.error();
    }
    auto s = segment::open_for_recovery(_fs, _dir, base, _config.segment);
    if (!s) return s.error();
    auto found = (*s)->recover();
    if (!found) return found.error();
    ++_report.segments_scanned;
    _report.batches_scanned += found->valid_batches;
    _report.bytes_scanned += found->valid_bytes + found->truncated_bytes;
    if (found->truncated_bytes > 0) {
        _report.bytes_truncated += found->truncated_bytes;
        _report.truncated_from = found->next_offset;
        // Aborted transactions whose markers were cut away go too.
        auto txns = (*s)->transactions();
        if (!txns) return txns.error();
        if (storage_errc e = (*txns)->truncate_to(found->next_offset); e != storage_errc::none) return e;
    }
    _segments.push_back(std::move(*s));
    return storage_errc::none;
}

int64_t log::draw_jitter() {
    int64_t bound = std::min(_config.segment_jitter_ms, _config.segment_ms);
    if (bound <= 0) return 0;
    uint64_t x = (_jitter_state += 0x9e3779b97f4a7c15ULL); // splitmix64
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<int64_t>((x ^ (x >> 31)) % static_cast<uint64_t>(bound));
}

storage_errc log::roll(model::offset base_offset) {
    if (!_segments.empty()) {
        active().seal();
        // Kafka takes a producer snapshot at each roll, named by the new segment's base: a
        // recovery then replays at most the active segment. The sealed segment's .txnindex is
        // synced with it (rare: only after aborts).
        if (storage_errc e = active().sync_transactions(); e != storage_errc::none) return e;
        if (storage_errc e = snapshot_producers(); e != storage_errc::none) return e;
    }
    auto s = segment::create(_fs, _dir, base_offset, _config.segment);
    if (!s) return s.error();
    _segments.push_back(std::move(*s));
    _active_jitter_ms = draw_jitter();
    _dir_changed = true;
    return storage_errc::none;
}

storage_errc log::maybe_roll(const protocol::record_batch_view& batch, model::offset last_offset) {
    const segment& s = active();
    if (s.empty()) return storage_errc::none;
    bool full = s.size_bytes() + batch.size_bytes() > static_cast<uint64_t>(_config.segment.segment_bytes);
    bool old = s.first_append_ms() && _clock.now_ms() - *s.first_append_ms() > _config.segment_ms - _active_jitter_ms;
    bool offset_overflow = last_offset.value() - s.base_offset().value() > segment_format::relative_offset_max;
    if (full || old || s.index_full() || offset_overflow) return roll(batch.base_offset());
    return storage_errc::none;
}

result<append_result> log::append(std::span<uint8_t> bytes, model::leader_epoch epoch) {
    protocol::batch_parse_result parsed = protocol::parse_batch(bytes);
    SLUICE_ASSERT(parsed.error == protocol::batch_error::none && parsed.batch.size_bytes() == bytes.size(),
                  "log::append takes exactly one validated batch");
    if (bytes.size() > static_cast<size_t>(_config.segment.segment_bytes)) return storage_errc::batch_too_large;
    protocol::mutable_record_batch batch(bytes);
    append_result out{_next_offset, model::offset(_next_offset.value() + batch.view().last_offset_delta())};
    batch.set_base_offset(out.base_offset);
    batch.set_partition_leader_epoch(epoch);
    if (_config.log_append_time) {
        out.log_append_time_ms = _clock.now_ms();
        batch.set_log_append_time(out.log_append_time_ms);
    }
    if (storage_errc e = maybe_roll(batch.view(), out.last_offset); e != storage_errc::none) return e;
    if (epoch.value() >= 0)
        if (storage_errc e = _epochs.assign(epoch, out.base_offset); e != storage_errc::none) return e;
    if (storage_errc e = active().append(batch.view(), _clock.now_ms()); e != storage_errc::none) {
        (void)_epochs.truncate_from_end(_next_offset); // undo the epoch's start: nothing was appended
        return e;
    }
    _next_offset = model::offset(out.last_offset.value() + 1);
    const protocol::record_batch_view view = batch.view();
    if (view.is_control()) {
        if (std::optional<txn_marker> marker = read_txn_marker(view)) {
            completed_txn txn = _producers.complete_txn(*marker, out.base_offset, view.max_timestamp());
            if (txn.aborted)
                if (storage_errc e = add_aborted(txn, _segments.size() - 1); e != storage_errc::none) return e;
        }
        _producers.set_map_end_offset(_next_offset);
    } else {
        _producers.update(producer_batch::of(view), out.base_offset, out.last_offset, view.max_timestamp());
    }
    return out;
}

result<marker_append_result> log::append_marker(const txn_marker& marker, model::leader_epoch epoch) {
    if (producer_check_errc e = _producers.check_marker(marker); e != producer_check_errc::ok)
        return marker_append_result{model::no_offset, e};
    protocol::record_batch_builder builder({
        .producer_id = marker.producer_id,
        .producer_epoch = marker.epoch,
        .transactional = true,
        .control = true,
    });
    const auto key = protocol::encode_control_key(marker.commit ? protocol::control_record_type::commit
                                                                : protocol::control_record_type::abort);
    const auto value = protocol::encode_end_txn_marker(marker.coordinator_epoch);
    builder.append({.timestamp_ms = _clock.now_ms(), .key = byte_view(key.data(), key.size()),
                    .value = byte_view(value.data(), value.size())});
    protocol::build_result built = builder.build();
    SLUICE_ASSERT(built.ok(), "an uncompressed control batch always builds");
    auto appended = append(built.bytes, epoch);
    if (!appended) return appended.error();
    return marker_append_result{appended->base_offset, producer_check_errc::ok};
}

storage_errc log::add_aborted(const completed_txn& txn, size_t segment_index) {
    auto txns = _segments[segment_index]->transactions();
    if (!txns) return txns.error();
    auto last = (*txns)->last_offset();
    if (!last) return last.error();
    if (*last && **last >= txn.last_offset) return storage_errc::none; // already there (a replay)
    return (*txns)->append({txn.producer_id, txn.first_offset, txn.last_offset, _producers.last_stable_offset_after(txn)});
}

result<std::vector<aborted_txn>> log::aborted_transactions(model::offset from, model::offset to) {
    std::vector<aborted_txn> out;
    // Kafka's collectAbortedTransactions: an entry whose last stable offset reaches `to` shows
    // that every transaction starting before `to` had ended: later segments cannot add any.
    for (size_t i = floor_segment(from); i < _segments.size(); ++i) {
        auto has = _segments[i]->has_aborted_transactions();
        if (!has) return has.error();
        if (!*has) continue;
        auto txns = _segments[i]->transactions();
        if (!txns) return txns.error();
        auto found = (*txns)->collect(from, to);
        if (!found) return found.error();
        bool complete = false;
        for (const aborted_txn& t : *found) {
            out.push_back(t);
            complete |= t.last_stable_offset >= to;
        }
        if (complete) break;
    }
    return out;
}

storage_errc log::snapshot_producers() {
    if (_producers.empty() && !_has_producer_snapshots) return storage_errc::none; // never had producers
    _producers.set_map_end_offset(_next_offset);
    if (storage_errc e = _producers.write_snapshot(_fs, _dir); e != storage_errc::none) return e;
    _has_producer_snapshots = true;
    return storage_errc::none;
}

storage_errc log::load_producer_state(bool clean_shutdown) {
    if (!_has_producer_snapshots) {
        // No snapshot was ever written: no producer was known at the last roll or shutdown.
        // After a clean shutdown that is the whole answer; after a crash, producers may have
        // appeared in the active segment since its roll.
        _producers = producer_state(clean_shutdown ? _next_offset : std::max(_log_start_offset, active().base_offset()));
        return replay_producers(_producers.map_end_offset());
    }
    auto loaded = producer_state::load(_fs, _dir, _log_start_offset, _next_offset, _clock.now_ms(),
                                       _config.producer_id_expiration_ms);
    if (!loaded) return loaded.error();
    _producers = std::move(*loaded);
    return replay_producers(_producers.map_end_offset());
}

storage_errc log::replay_producers(model::offset from) {
    byte_buffer bytes;
    model::offset next = std::max(from, _log_start_offset);
    while (next < _next_offset) {
        auto range = read(next, 1u << 20);
        if (!range) return range.error();
        if (range->range.empty()) break;
        bytes.resize(range->range.length);
        auto n = range->range.file->read_at(range->range.position, bytes);
        if (!n) return n.error();
        if (*n != bytes.size()) return storage_errc::io_error;
        std::vector<protocol::record_batch_view> batches;
        if (protocol::split_batches(byte_view(bytes), batches).error != protocol::batch_error::none)
            return storage_errc::corrupt;
        for (const protocol::record_batch_view& batch : batches) {
            const model::offset last(batch.base_offset().value() + batch.last_offset_delta());
            if (last < next) continue;
            if (std::optional<completed_txn> txn = _producers.replay_batch(batch); txn && txn->aborted)
                if (storage_errc e = add_aborted(*txn, floor_segment(txn->last_offset)); e != storage_errc::none) return e;
            next = model::offset(last.value() + 1);
        }
    }
    _producers.set_map_end_offset(_next_offset);
    return storage_errc::none;
}

size_t log::floor_segment(model::offset offset) const noexcept {
    auto it = std::upper_bound(_segments.begin(), _segments.end(), offset,
                               [](model::offset o, const std::unique_ptr<segment>& s) { return o < s->base_offset(); });
    return it == _segments.begin() ? 0 : static_cast<size_t>(it - _segments.begin()) - 1;
}

result<log_read_result> log::read(model::offset offset, uint64_t max_bytes, model::offset max_offset) {
    if (offset < _log_start_offset || offset > _next_offset) return storage_errc::offset_out_of_range;
    log_read_result out{{}, _log_start_offset, _next_offset};
    // An offset past a segment's last batch (a gap left by compaction) is in a later one.
    for (size_t i = floor_segment(offset); i < _segments.size() && _segments[i]->base_offset() < max_offset; ++i) {
        auto range = _segments[i]->read(offset, max_bytes, max_offset);
        if (!range) return range.error();
        if (!range->empty()) {
            out.range = std::move(*range);
            break;
        }
    }
    return out;
}

result<std::optional<timestamp_offset>> log::offset_for_timestamp(int64_t target_ms) {
    for (const auto& s : _segments) {
        if (s->max_timestamp() < target_ms || s->next_offset() <= _log_start_offset) continue;
        auto found = s->find_offset_by_timestamp(target_ms, _log_start_offset);
        if (!found) return found.error();
        if (*found) return found;
    }
    return std::optional<timestamp_offset>();
}

result<std::optional<timestamp_offset>> log::max_timestamp() {
    segment* best = nullptr;
    for (const auto& s : _segments)
        if (!s->empty() && s->next_offset() > _log_start_offset && (!best || s->max_timestamp() > best->max_timestamp()))
            best = s.get();
    if (!best) return std::optional<timestamp_offset>();
    return best->find_offset_by_timestamp(best->max_timestamp(), _log_start_offset);
}

storage_errc log::remove_segments_from(size_t index) {
    while (_segments.size() > index) {
        if (storage_errc e = _segments.back()->remove_files(); e != storage_errc::none) return e;
        _segments.pop_back();
        _dir_changed = true;
    }
    return storage_errc::none;
}

storage_errc log::delete_records(model::offset offset) {
    if (offset > _next_offset) return storage_errc::offset_out_of_range;
    if (offset <= _log_start_offset) return storage_errc::none;
    _log_start_offset = offset;
    // Kafka deletes a segment when the next one starts at or below the log start offset.
    while (_segments.size() > 1 && _segments[1]->base_offset() <= offset) {
        if (storage_errc e = _segments.front()->remove_files(); e != storage_errc::none) return e;
        _segments.erase(_segments.begin());
        _dir_changed = true;
    }
    if (_has_producer_snapshots)
        if (storage_errc e = delete_producer_snapshots_below(_fs, _dir, _log_start_offset); e != storage_errc::none) return e;
    return _epochs.truncate_from_start(offset);
}

storage_errc log::restart_at(model::offset offset) {
    ++_truncation_count;
    if (storage_errc e = remove_segments_from(0); e != storage_errc::none) return e;
    // Kafka's truncateFullyAndStartAt: every producer snapshot goes, the state starts empty.
    if (_has_producer_snapshots)
        if (storage_errc e = delete_producer_snapshots_above(_fs, _dir, model::offset(-1)); e != storage_errc::none) return e;
    _producers = producer_state(offset);
    if (storage_errc e = roll(offset); e != storage_errc::none) return e;
    _log_start_offset = _next_offset = offset;
    _recovery_point = std::min(_recovery_point, offset);
    return _epochs.truncate_from_end(model::offset(0));
}

storage_errc log::truncate_to(model::offset offset) {
    if (offset >= _next_offset) return storage_errc::none;
    if (offset < _log_start_offset) return restart_at(offset);
    ++_truncation_count;
    size_t keep = floor_segment(offset);
    if (storage_errc e = remove_segments_from(keep + 1); e != storage_errc::none) return e;
    if (storage_errc e = active().truncate_to(offset); e != storage_errc::none) return e;
    _next_offset = active().next_offset();
    _recovery_point = std::min(_recovery_point, _next_offset);
    _active_jitter_ms = draw_jitter();
    if (storage_errc e = _epochs.truncate_from_end(_next_offset); e != storage_errc::none) return e;
    // Kafka's truncateAndReload: snapshots above the new end go, the state is rebuilt from the
    // newest one left and the batches after it.
    if (_has_producer_snapshots)
        if (storage_errc e = delete_producer_snapshots_above(_fs, _dir, _next_offset); e != storage_errc::none) return e;
    return load_producer_state(false);
}

storage_errc log::flush() {
    for (size_t i = floor_segment(_recovery_point); i < _segments.size(); ++i)
        if (storage_errc e = _segments[i]->flush(); e != storage_errc::none) return e;
    if (_dir_changed) {
        if (storage_errc e = _fs.sync_dir(_dir); e != storage_errc::none) return e;
        _dir_changed = false;
    }
    _recovery_point = _next_offset;
    return storage_errc::none;
}

storage_errc log::close() {
    active().seal();
    if (storage_errc e = flush(); e != storage_errc::none) return e;
    // With a snapshot at the log end, the next open replays nothing.
    return snapshot_producers();
}

// --- Retention and compaction ------------------------------------------------------------

storage_errc log::delete_oldest_segments(size_t count) {
    SLUICE_ASSERT(count < _segments.size(), "retention never deletes the active segment");
    storage_errc error = storage_errc::none;
    size_t removed = 0;
    for (; removed < count; ++removed)
        if (error = _segments[removed]->remove_files(); error != storage_errc::none) break;
    if (removed == 0) return error;
    // On an error the segments already removed are dropped; the rest wait for the next run.
    _segments.erase(_segments.begin(), _segments.begin() + static_cast<ptrdiff_t>(removed));
    _dir_changed = true;
    _log_start_offset = std::max(_log_start_offset, _segments.front()->base_offset());
    if (storage_errc e = _epochs.truncate_from_start(_log_start_offset); e != storage_errc::none) return e;
    if (_has_producer_snapshots)
        if (storage_errc e = delete_producer_snapshots_below(_fs, _dir, _log_start_offset); e != storage_errc::none) return e;
    return error;
}

storage_errc log::swap_in_cleaned_segment(size_t index, const std::string& cleaned_path) {
    SLUICE_ASSERT(index + 1 < _segments.size(), "the active segment is never cleaned");
    model::offset base = _segments[index]->base_offset();
    // The old indexes would point into the old file: remove them first (a crash before the
    // rename leaves the old .log without indexes, which open() rebuilds).
    for (std::string_view ext : {segment_format::index_extension, segment_format::time_index_extension}) {
        storage_errc e = _fs.remove(join_path(_dir, segment_file_name(base, ext)));
        if (e != storage_errc::none && e != storage_errc::not_found) return e;
    }
    if (storage_errc e = _fs.rename(cleaned_path, join_path(_dir, segment_file_name(base, segment_format::log_extension)));
        e != storage_errc::none)
        return e;
    if (storage_errc e = _fs.sync_dir(_dir); e != storage_errc::none) return e;
    auto cleaned = segment::open_for_recovery(_fs, _dir, base, _config.segment);
    if (!cleaned) return cleaned.error();
    auto scanned = (*cleaned)->recover(); // rebuilds both indexes from the new file
    if (!scanned) return scanned.error();
    SLUICE_ASSERT(scanned->truncated_bytes == 0, "a cleaned segment was synced whole before its swap");
    (*cleaned)->seal();
    if (storage_errc e = (*cleaned)->flush(); e != storage_errc::none) return e;
    _segments[index] = std::move(*cleaned);
    return storage_errc::none;
}

} // namespace sluice::storage
