#include "storage/segment.h"

#include <charconv>
#include <cstdio>

#include "base/assert.h"
#include "protocol/batch_validator.h"
#include "protocol/record_reader.h"

namespace sluice::storage {

namespace batch_format = protocol::batch_format;

std::string segment_file_name(model::offset base_offset, std::string_view extension) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(base_offset.value()));
    return std::string(digits) + std::string(extension);
}

std::optional<model::offset> parse_segment_file_name(std::string_view name, std::string_view extension) {
    if (name.size() != segment_format::base_offset_digits + extension.size() || !name.ends_with(extension))
        return std::nullopt;
    int64_t value = 0;
    const char* end = name.data() + segment_format::base_offset_digits;
    auto [ptr, ec] = std::from_chars(name.data(), end, value);
    if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
    return model::offset(value);
}

segment::segment(file_system& fs, std::string dir, model::offset base_offset, const segment_config& config)
    : _fs(fs), _dir(std::move(dir)), _base_offset(base_offset), _config(config),
      _offset_index(base_offset, static_cast<size_t>(config.segment_index_bytes) / segment_format::index_entry_bytes),
      _time_index(base_offset, static_cast<size_t>(config.segment_index_bytes) / segment_format::time_index_entry_bytes),
      _next_offset(base_offset), _offset_of_max_timestamp(base_offset) {}

std::string segment::path(std::string_view extension) const {
    return join_path(_dir, segment_file_name(_base_offset, extension));
}

storage_errc segment::open_files(open_mode log_mode) {
    auto log = _fs.open(path(segment_format::log_extension), log_mode);
    if (!log) return log.error();
    auto index = _fs.open(path(segment_format::index_extension), open_mode::create);
    if (!index) return index.error();
    auto time_index = _fs.open(path(segment_format::time_index_extension), open_mode::create);
    if (!time_index) return time_index.error();
    _log = std::move(*log);
    _index_file = std::move(*index);
    _time_index_file = std::move(*time_index);
    return storage_errc::none;
}

result<std::unique_ptr<segment>> segment::create(file_system& fs, const std::string& dir, model::offset base_offset,
                                                 const segment_config& config) {
    std::unique_ptr<segment> s(new segment(fs, dir, base_offset, config));
    if (storage_errc e = s->open_files(open_mode::create); e != storage_errc::none) return e;
    for (file_handle* file : {s->_log.get(), s->_index_file.get(), s->_time_index_file.get()})
        if (storage_errc e = file->truncate(0); e != storage_errc::none) return e;
    // Empty until transactions append aborted ones; not held open (no descriptor per segment).
    auto txn_index = fs.open(s->path(segment_format::txn_index_extension), open_mode::create);
    if (!txn_index) return txn_index.error();
    if (storage_errc e = (*txn_index)->truncate(0); e != storage_errc::none) return e;
    return s;
}

result<std::unique_ptr<segment>> segment::open_for_recovery(file_system& fs, const std::string& dir,
                                                            model::offset base_offset, const segment_config& config) {
    std::unique_ptr<segment> s(new segment(fs, dir, base_offset, config));
    if (storage_errc e = s->open_files(open_mode::existing); e != storage_errc::none) return e;
    return s;
}

result<std::unique_ptr<segment>> segment::open(file_system& fs, const std::string& dir, model::offset base_offset,
                                               const segment_config& config) {
    auto s = open_for_recovery(fs, dir, base_offset, config);
    if (!s) return s.error();
    if (storage_errc e = (*s)->load(); e != storage_errc::none) return e;
    return s;
}

void segment::reset_state() {
    _next_offset = _base_offset;
    _size_bytes = 0;
    _bytes_since_last_index_entry = 0;
    _max_timestamp = -1;
    _offset_of_max_timestamp = _base_offset;
}

storage_errc segment::load() {
    reset_state();
    result<uint64_t> log_size = _log->size();
    if (!log_size) return log_size.error();
    if (_offset_index.load(_fs, path(segment_format::index_extension), *log_size) != storage_errc::none)
        return rebuild_indexes();
    std::optional<offset_position> last = _offset_index.last();
    if (storage_errc e = scan_headers(last ? last->position : 0, last.has_value()); e != storage_errc::none) return e;
    if (_size_bytes != *log_size) return storage_errc::corrupt;
    if (_time_index.load(_fs, path(segment_format::time_index_extension), _next_offset) != storage_errc::none)
        return rebuild_indexes();
    // The time index's last entry covers the batches before the offset index's last entry;
    // scan_headers() covered those after it.
    if (std::optional<timestamp_offset> t = _time_index.last(); t && t->timestamp > _max_timestamp) {
        _max_timestamp = t->timestamp;
        _offset_of_max_timestamp = t->offset;
    }
    return storage_errc::none;
}

storage_errc segment::rebuild_indexes() {
    reset_state();
    _offset_index.clear();
    _time_index.clear();
    if (storage_errc e = scan_headers(0, false); e != storage_errc::none) return e;
    result<uint64_t> log_size = _log->size();
    if (!log_size) return log_size.error();
    return _size_bytes == *log_size ? storage_errc::none : storage_errc::corrupt;
}

storage_errc segment::scan_headers(uint64_t position, bool first_is_indexed) {
    result<uint64_t> log_size = _log->size();
    if (!log_size) return log_size.error();
    _size_bytes = position;
    while (position < *log_size) {
        auto header = read_batch_header(*_log, position, *log_size);
        if (!header) return header.error();
        if (!*header || (*header)->base_offset < _next_offset) return storage_errc::corrupt;
        track(**header, !first_is_indexed);
        if (first_is_indexed) _bytes_since_last_index_entry = (*header)->size_bytes;
        first_is_indexed = false;
        position += (*header)->size_bytes;
    }
    return storage_errc::none;
}

void segment::track(const batch_header& batch, bool may_index) {
    if (batch.max_timestamp > _max_timestamp) {
        _max_timestamp = batch.max_timestamp;
        _offset_of_max_timestamp = batch.last_offset;
    }
    // Kafka's LogSegment.append: the check comes before counting this batch's bytes.
    if (may_index && _bytes_since_last_index_entry > static_cast<uint64_t>(_config.index_interval_bytes)) {
        _offset_index.append(batch.last_offset, static_cast<uint32_t>(batch.position));
        _time_index.maybe_append(_max_timestamp, _offset_of_max_timestamp);
        _bytes_since_last_index_entry = 0;
    }
    _bytes_since_last_index_entry += batch.size_bytes;
    _size_bytes = batch.position + batch.size_bytes;
    _next_offset = model::offset(batch.last_offset.value() + 1);
}

storage_errc segment::append(protocol::record_batch_view batch, int64_t now_ms) {
    if (_failed) return storage_errc::failed;
    model::offset last(batch.base_offset().value() + batch.last_offset_delta());
    SLUICE_ASSERT(batch.base_offset() >= _next_offset, "offsets must increase within a segment");
    SLUICE_ASSERT(last.value() - _base_offset.value() <= segment_format::relative_offset_max,
                  "batch offset does not fit the segment's relative offsets");
    SLUICE_ASSERT(_size_bytes <= static_cast<uint64_t>(INT32_MAX), "segment position beyond 2^31");
    if (storage_errc e = _log->write_at(_size_bytes, batch.bytes()); e != storage_errc::none) {
        // Cut a short write so the file ends on a whole batch again; when even that fails,
        // refuse further appends (reads stay bounded by _size_bytes and keep working).
        if (_log->truncate(_size_bytes) != storage_errc::none) _failed = true;
        return e;
    }
    if (!_first_append_ms) _first_append_ms = now_ms;
    track({.position = _size_bytes,
           .size_bytes = batch.size_bytes(),
           .base_offset = batch.base_offset(),
           .last_offset = last,
           .max_timestamp = batch.max_timestamp(),
           .leader_epoch = batch.partition_leader_epoch()},
          true);
    return storage_errc::none;
}

result<std::optional<batch_header>> segment::find_batch(model::offset offset) {
    if (offset >= _next_offset) return std::optional<batch_header>();
    uint64_t position = _offset_index.lookup(offset).position;
    while (position < _size_bytes) {
        auto header = read_batch_header(*_log, position, _size_bytes);
        if (!header) return header.error();
        SLUICE_ASSERT(header->has_value(), "a batch header inside the segment's size must be whole");
        if ((*header)->last_offset >= offset) return header;
        position += (*header)->size_bytes;
    }
    return std::optional<batch_header>();
}

result<file_range> segment::read(model::offset from, uint64_t max_bytes, model::offset max_offset) {
    auto first = find_batch(from);
    if (!first) return first.error();
    if (!*first || (*first)->base_offset >= max_offset) return file_range{};
    uint64_t length = (*first)->size_bytes; // KIP-74: at least one whole batch
    for (uint64_t position = (*first)->position + length; position < _size_bytes;) {
        auto header = read_batch_header(*_log, position, _size_bytes);
        if (!header) return header.error();
        if (!*header || length + (*header)->size_bytes > max_bytes || (*header)->base_offset >= max_offset) break;
        length += (*header)->size_bytes;
        position += (*header)->size_bytes;
    }
    return file_range{_log, (*first)->position, length};
}

result<std::optional<timestamp_offset>> segment::find_offset_by_timestamp(int64_t target_ms, model::offset min_offset) {
    using none = std::optional<timestamp_offset>;
    if (_max_timestamp < target_ms) return none();
    model::offset start = std::max(_time_index.lookup(target_ms).offset, min_offset);
    uint64_t position = _offset_index.lookup(start).position;
    byte_buffer bytes, scratch;
    while (position < _size_bytes) {
        auto header = read_batch_header(*_log, position, _size_bytes);
        if (!header) return header.error();
        const batch_header& h = **header;
        position += h.size_bytes;
        if (h.max_timestamp < target_ms || h.last_offset < min_offset) continue;
        bytes.resize(h.size_bytes);
        if (auto n = _log->read_at(h.position, bytes); !n || *n != bytes.size()) return storage_errc::io_error;
        protocol::record_batch_view batch{byte_view(bytes)};
        auto opened = protocol::open_records(batch, protocol::decompressed_batch_bytes_max_default, scratch);
        if (opened.error != protocol::batch_error::none) return storage_errc::corrupt;
        protocol::record_view record;
        while (opened.reader.next(record)) {
            model::offset offset = protocol::record_offset(batch, record);
            int64_t timestamp = protocol::record_timestamp(batch, record);
            if (offset >= min_offset && timestamp >= target_ms) return none(timestamp_offset{timestamp, offset});
        }
    }
    return none();
}

storage_errc segment::truncate_to(model::offset offset) {
    auto first = find_batch(offset);
    if (!first) return first.error();
    if (!*first) return storage_errc::none;
    model::offset cut = (*first)->base_offset;
    if (storage_errc e = _log->truncate((*first)->position); e != storage_errc::none) return e;
    _offset_index.truncate_to(cut);
    _time_index.truncate_to(cut);
    reset_state();
    std::optional<offset_position> last = _offset_index.last();
    if (storage_errc e = scan_headers(last ? last->position : 0, last.has_value()); e != storage_errc::none) return e;
    if (std::optional<timestamp_offset> t = _time_index.last(); t && t->timestamp > _max_timestamp) {
        _max_timestamp = t->timestamp;
        _offset_of_max_timestamp = t->offset;
    }
    if (_size_bytes == 0) _first_append_ms.reset();
    // Aborted transactions whose marker was cut go with it.
    auto txns = transactions();
    if (!txns) return txns.error();
    return (*txns)->truncate_to(cut);
}

void segment::seal() {
    if (!empty()) _time_index.maybe_append(_max_timestamp, _offset_of_max_timestamp, true);
    // Kafka's onBecomeInactiveSegment: the index files get their final entries now (synced
    // by flush(), as before), and lookups go to a read-only mapping of them, so an idle
    // sealed segment's indexes live in the page cache, not the heap. Best effort: on an error
    // the entries stay in memory, and flush() writes them again and reports it.
    if (_offset_index.write(*_index_file) == storage_errc::none)
        (void)_offset_index.map(_fs, path(segment_format::index_extension));
    if (_time_index.write(*_time_index_file) == storage_errc::none)
        (void)_time_index.map(_fs, path(segment_format::time_index_extension));
}

storage_errc segment::flush() {
    if (storage_errc e = _log->fdatasync(); e != storage_errc::none) return e;
    if (storage_errc e = _offset_index.write(*_index_file); e != storage_errc::none) return e;
    if (storage_errc e = _time_index.write(*_time_index_file); e != storage_errc::none) return e;
    if (storage_errc e = _index_file->fdatasync(); e != storage_errc::none) return e;
    if (storage_errc e = sync_transactions(); e != storage_errc::none) return e;
    return _time_index_file->fdatasync();
}

result<txn_index*> segment::transactions() {
    if (!_txn_index) {
        auto file = _fs.open(path(segment_format::txn_index_extension), open_mode::create);
        if (!file) return file.error();
        _txn_index = std::make_unique<txn_index>(std::move(*file));
    }
    return _txn_index.get();
}

result<bool> segment::has_aborted_transactions() {
    auto index = transactions();
    if (!index) return index.error();
    return (*index)->has_entries();
}

storage_errc segment::remove_files() {
    for (std::string_view ext : {segment_format::log_extension, segment_format::index_extension,
                                 segment_format::time_index_extension, segment_format::txn_index_extension}) {
        storage_errc e = _fs.remove(path(ext));
        if (e != storage_errc::none && e != storage_errc::not_found) return e;
    }
    return storage_errc::none;
}

} // namespace sluice::storage

namespace sluice::storage {

result<segment_recovery> segment::recover() {
    reset_state();
    _offset_index.clear();
    _time_index.clear();
    result<uint64_t> log_size = _log->size();
    if (!log_size) return log_size.error();
    byte_buffer bytes;
    segment_recovery out;
    uint64_t position = 0;
    while (position < *log_size) {
        auto header = read_batch_header(*_log, position, *log_size);
        if (!header) return header.error();
        if (!*header) break; // torn: the file ends inside this batch
        const batch_header& h = **header;
        if (h.base_offset < _next_offset || h.last_offset.value() - _base_offset.value() > segment_format::relative_offset_max)
            break;
        bytes.resize(h.size_bytes);
        auto n = _log->read_at(position, bytes);
        if (!n) return n.error();
        protocol::batch_parse_result parsed = protocol::parse_batch(bytes);
        if (*n != bytes.size() || parsed.error != protocol::batch_error::none ||
            parsed.batch.compute_crc() != parsed.batch.crc())
            break;
        track(h, true);
        position += h.size_bytes;
        ++out.valid_batches;
    }
    out.valid_bytes = position;
    out.truncated_bytes = *log_size - position;
    out.next_offset = _next_offset;
    if (out.truncated_bytes > 0)
        if (storage_errc e = _log->truncate(position); e != storage_errc::none) return e;
    return out;
}

} // namespace sluice::storage
