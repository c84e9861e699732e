#pragma once
// Producer-state snapshot files (docs/formats/producer_snapshot.md, Kafka's version 1):
// encoding, the <20 digits>.snapshot files of a partition directory, and which of them to keep.
// Stateless; every call goes through the given file_system on the partition's shard.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "storage/file_system.h"

namespace sluice::storage {

// One producer as a snapshot holds it: its last batch only.
struct producer_snapshot_entry {
    model::producer_id producer_id;
    model::producer_epoch epoch = model::no_producer_epoch;
    int32_t last_sequence = -1;                   // -1: no batch kept
    model::offset last_offset = model::no_offset; // -1: no batch kept
    int32_t offset_delta = 0;
    int64_t timestamp_ms = -1;
    int32_t coordinator_epoch = -1;
    model::offset current_txn_first_offset = model::no_offset; // -1: no open transaction
    bool operator==(const producer_snapshot_entry&) const = default;
};

byte_buffer encode_producer_snapshot(std::span<const producer_snapshot_entry> entries);
// corrupt for a wrong version, CRC, length or count.
result<std::vector<producer_snapshot_entry>> decode_producer_snapshot(byte_view bytes);

// "00000000000000000042.snapshot"; the offset of such a name, nullopt for any other.
std::string producer_snapshot_file_name(model::offset offset);
std::optional<model::offset> parse_producer_snapshot_file_name(std::string_view name);

// Written as <name>.tmp, synced, renamed, directory synced: a crash leaves the old set of
// snapshots or the new one.
storage_errc write_producer_snapshot(file_system& fs, const std::string& dir, model::offset offset,
                                     std::span<const producer_snapshot_entry> entries);
// not_found when absent, corrupt when decode_producer_snapshot() refuses it.
result<std::vector<producer_snapshot_entry>> read_producer_snapshot(file_system& fs, const std::string& dir,
                                                                    model::offset offset);
// The offsets of the snapshots in `dir`, ascending.
result<std::vector<model::offset>> list_producer_snapshots(file_system& fs, const std::string& dir);
// Truncation: deletes snapshots with offset > `offset`.
storage_errc delete_producer_snapshots_above(file_system& fs, const std::string& dir, model::offset offset);
// Retention: deletes snapshots with offset < `offset`.
storage_errc delete_producer_snapshots_below(file_system& fs, const std::string& dir, model::offset offset);

struct loaded_producer_snapshot {
    model::offset offset;
    std::vector<producer_snapshot_entry> entries;
};
// The newest valid snapshot at or below `max_offset` (the log end): deletes leftover .tmp
// files, snapshots above max_offset and corrupt ones on the way (Kafka: loadFromSnapshot with
// CorruptSnapshotException). nullopt when none is left.
result<std::optional<loaded_producer_snapshot>> load_latest_producer_snapshot(file_system& fs, const std::string& dir,
                                                                              model::offset max_offset);

} // namespace sluice::storage
