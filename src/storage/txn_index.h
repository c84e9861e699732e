#pragma once
// txn_index: a segment's .txnindex, the aborted transactions whose data lies in the segment
// (docs/formats/segment.md; Kafka's TransactionIndex). A fetch at read_committed collects
// those overlapping its range to tell the consumer what to skip. Entries are appended in the
// order transactions complete, so last offsets increase. The file is read and written
// directly (it is small: one entry per aborted transaction). One shard; the handle's owner
// keeps it open.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/ids.h"
#include "storage/file_system.h"
#include "storage/segment_format.h"

namespace sluice::storage {

struct aborted_txn {
    static constexpr size_t bytes = segment_format::txn_index_entry_bytes;
    model::producer_id producer_id;
    model::offset first_offset;
    model::offset last_offset;
    model::offset last_stable_offset;

    void encode(uint8_t* out) const noexcept;
    // nullopt for a version other than txn_index_version.
    static std::optional<aborted_txn> decode(const uint8_t* in) noexcept;
    bool operator==(const aborted_txn&) const = default;
};

class txn_index {
public:
    explicit txn_index(std::shared_ptr<file_handle> file) noexcept : _file(std::move(file)) {}

    // Last offsets increase and first_offset <= last_offset (asserted against the last entry
    // appended through this object).
    storage_errc append(const aborted_txn& txn);
    // The entries with last_offset >= from and first_offset < to, in file order. `corrupt`
    // for a partial entry or an unknown version.
    result<std::vector<aborted_txn>> collect(model::offset from, model::offset to);
    // Removes the entries with last_offset >= offset (a log truncation).
    storage_errc truncate_to(model::offset offset);
    // Whether the file holds an entry (its size, cached after the first look).
    result<bool> has_entries();
    // The last entry's last offset, nullopt when empty (a recovery re-adding entries skips
    // those already there).
    result<std::optional<model::offset>> last_offset();
    // fdatasync when entries were appended or removed since the last sync.
    storage_errc sync();

private:
    result<std::vector<aborted_txn>> read_all();

    std::shared_ptr<file_handle> _file;
    std::optional<model::offset> _last_offset;
    std::optional<uint64_t> _size; // bytes, once known
    bool _dirty = false;
};

} // namespace sluice::storage
