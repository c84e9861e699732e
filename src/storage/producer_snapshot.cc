#include "storage/producer_snapshot.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "storage/checkpoint_file.h"
#include "storage/producer_snapshot_format.h"
#include "storage/segment.h"

namespace sluice::storage {

namespace format = producer_snapshot_format;

byte_buffer encode_producer_snapshot(std::span<const producer_snapshot_entry> entries) {
    byte_buffer out(format::header_bytes + entries.size() * format::entry_bytes);
    be::store<int16_t>(out.data() + format::version_at, format::version);
    be::store<int32_t>(out.data() + format::count_at, static_cast<int32_t>(entries.size()));
    uint8_t* p = out.data() + format::header_bytes;
    for (const producer_snapshot_entry& e : entries) {
        be::store<int64_t>(p + format::producer_id_at, e.producer_id.value());
        be::store<int16_t>(p + format::epoch_at, e.epoch.value());
        be::store<int32_t>(p + format::last_sequence_at, e.last_sequence);
        be::store<int64_t>(p + format::last_offset_at, e.last_offset.value());
        be::store<int32_t>(p + format::offset_delta_at, e.offset_delta);
        be::store<int64_t>(p + format::timestamp_at, e.timestamp_ms);
        be::store<int32_t>(p + format::coordinator_epoch_at, e.coordinator_epoch);
        be::store<int64_t>(p + format::current_txn_first_offset_at, e.current_txn_first_offset.value());
        p += format::entry_bytes;
    }
    const uint32_t crc = crc32c(byte_view(out).subspan(format::crc_covers_from));
    be::store<uint32_t>(out.data() + format::crc_at, crc);
    return out;
}

result<std::vector<producer_snapshot_entry>> decode_producer_snapshot(byte_view bytes) {
    if (bytes.size() < format::header_bytes) return storage_errc::corrupt;
    if (be::load<int16_t>(bytes.data() + format::version_at) != format::version) return storage_errc::corrupt;
    if (be::load<uint32_t>(bytes.data() + format::crc_at) != crc32c(bytes.subspan(format::crc_covers_from)))
        return storage_errc::corrupt;
    const int32_t count = be::load<int32_t>(bytes.data() + format::count_at);
    if (count < 0 || bytes.size() != format::header_bytes + static_cast<size_t>(count) * format::entry_bytes)
        return storage_errc::corrupt;
    std::vector<producer_snapshot_entry> entries;
    entries.reserve(static_cast<size_t>(count));
    for (const uint8_t* p = bytes.data() + format::header_bytes; p < bytes.data() + bytes.size(); p += format::entry_bytes) {
        entries.push_back({
            .producer_id = model::producer_id(be::load<int64_t>(p + format::producer_id_at)),
            .epoch = model::producer_epoch(be::load<int16_t>(p + format::epoch_at)),
            .last_sequence = be::load<int32_t>(p + format::last_sequence_at),
            .last_offset = model::offset(be::load<int64_t>(p + format::last_offset_at)),
            .offset_delta = be::load<int32_t>(p + format::offset_delta_at),
            .timestamp_ms = be::load<int64_t>(p + format::timestamp_at),
            .coordinator_epoch = be::load<int32_t>(p + format::coordinator_epoch_at),
            .current_txn_first_offset = model::offset(be::load<int64_t>(p + format::current_txn_first_offset_at)),
        });
    }
    return entries;
}

std::string producer_snapshot_file_name(model::offset offset) {
    return segment_file_name(offset, format::extension);
}

std::optional<model::offset> parse_producer_snapshot_file_name(std::string_view name) {
    return parse_segment_file_name(name, format::extension);
}

storage_errc write_producer_snapshot(file_system& fs, const std::string& dir, model::offset offset,
                                     std::span<const producer_snapshot_entry> entries) {
    return replace_file(fs, dir, producer_snapshot_file_name(offset), encode_producer_snapshot(entries));
}

result<std::vector<producer_snapshot_entry>> read_producer_snapshot(file_system& fs, const std::string& dir,
                                                                    model::offset offset) {
    auto file = fs.open(join_path(dir, producer_snapshot_file_name(offset)), open_mode::existing);
    if (!file) return file.error();
    auto size = (*file)->size();
    if (!size) return size.error();
    byte_buffer bytes(*size);
    auto n = (*file)->read_at(0, bytes);
    if (!n) return n.error();
    bytes.resize(*n);
    return decode_producer_snapshot(bytes);
}

result<std::vector<model::offset>> list_producer_snapshots(file_system& fs, const std::string& dir) {
    auto names = fs.list_dir(dir);
    if (!names) return names.error();
    std::vector<model::offset> offsets;
    for (const std::string& name : *names)
        if (auto offset = parse_producer_snapshot_file_name(name)) offsets.push_back(*offset);
    return offsets; // names are sorted and zero-padded: offsets ascend
}

namespace {

template <typename Predicate>
storage_errc delete_producer_snapshots_if(file_system& fs, const std::string& dir, Predicate doomed) {
    auto offsets = list_producer_snapshots(fs, dir);
    if (!offsets) return offsets.error();
    bool removed = false;
    for (model::offset offset : *offsets) {
        if (!doomed(offset)) continue;
        storage_errc e = fs.remove(join_path(dir, producer_snapshot_file_name(offset)));
        if (e != storage_errc::none && e != storage_errc::not_found) return e;
        removed = true;
    }
    return removed ? fs.sync_dir(dir) : storage_errc::none;
}

} // namespace

storage_errc delete_producer_snapshots_above(file_system& fs, const std::string& dir, model::offset offset) {
    return delete_producer_snapshots_if(fs, dir, [offset](model::offset o) { return o > offset; });
}

storage_errc delete_producer_snapshots_below(file_system& fs, const std::string& dir, model::offset offset) {
    return delete_producer_snapshots_if(fs, dir, [offset](model::offset o) { return o < offset; });
}

namespace {

storage_errc remove_leftover_temp_files(file_system& fs, const std::string& dir) {
    auto names = fs.list_dir(dir);
    if (!names) return names.error();
    const std::string suffix = std::string(format::extension) + std::string(format::temp_suffix);
    for (const std::string& name : *names) {
        if (!name.ends_with(suffix)) continue;
        if (storage_errc e = fs.remove(join_path(dir, name)); e != storage_errc::none && e != storage_errc::not_found)
            return e;
    }
    return storage_errc::none;
}

} // namespace

result<std::optional<loaded_producer_snapshot>> load_latest_producer_snapshot(file_system& fs, const std::string& dir,
                                                                              model::offset max_offset) {
    if (storage_errc e = remove_leftover_temp_files(fs, dir); e != storage_errc::none) return e;
    if (storage_errc e = delete_producer_snapshots_above(fs, dir, max_offset); e != storage_errc::none) return e;
    auto offsets = list_producer_snapshots(fs, dir);
    if (!offsets) return offsets.error();
    for (auto it = offsets->rbegin(); it != offsets->rend(); ++it) {
        auto entries = read_producer_snapshot(fs, dir, *it);
        if (entries) return std::optional<loaded_producer_snapshot>(loaded_producer_snapshot{*it, std::move(*entries)});
        if (entries.error() != storage_errc::corrupt) return entries.error();
        // Kafka: a corrupt snapshot is deleted and the next older one tried.
        storage_errc e = fs.remove(join_path(dir, producer_snapshot_file_name(*it)));
        if (e != storage_errc::none && e != storage_errc::not_found) return e;
    }
    return std::optional<loaded_producer_snapshot>();
}

} // namespace sluice::storage
