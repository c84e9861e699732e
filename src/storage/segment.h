#pragma once
// segment: one .log file of record batches with its sparse .index and .timeindex
// (docs/formats/segment.md), and its .txnindex (created empty, removed with it). Appends go to
// the end of the .log only; index entries are kept in memory and written to their files by
// flush() and seal(); a sealed or reopened segment looks them up in a read-only mapping of
// the files. Reads return file ranges at batch boundaries for sendfile.
//
// Owned by its log (unique_ptr); used from the log's shard only. Its file system must outlive
// it. The destructor does no I/O: a segment that is not flushed loses its unflushed bytes,
// exactly as a crash would.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/ids.h"
#include "protocol/record_batch.h"
#include "storage/batch_header_reader.h"
#include "storage/file_range.h"
#include "storage/file_system.h"
#include "storage/offset_index.h"
#include "storage/segment_format.h"
#include "storage/time_index.h"
#include "storage/txn_index.h"

namespace sluice::storage {

struct segment_config {
    int32_t segment_bytes = segment_format::segment_bytes_default;
    int32_t index_interval_bytes = segment_format::index_interval_bytes_default;
    int32_t segment_index_bytes = segment_format::segment_index_bytes_default;
};

// What recover() found: the valid prefix it kept and the tail it cut.
struct segment_recovery {
    uint64_t valid_bytes = 0;
    uint64_t truncated_bytes = 0;
    int64_t valid_batches = 0;
    model::offset next_offset; // after the last valid batch
};

// "00000000000000000042.log"
std::string segment_file_name(model::offset base_offset, std::string_view extension);
// The base offset of a "<20 digits>.log" name, nullopt for any other name.
std::optional<model::offset> parse_segment_file_name(std::string_view name, std::string_view extension);

class segment {
public:
    // A new, empty segment; a leftover .log of the same name is emptied.
    static result<std::unique_ptr<segment>> create(file_system& fs, const std::string& dir, model::offset base_offset,
                                                   const segment_config& config);
    // An existing segment whose contents are trusted (below the recovery point): indexes are
    // loaded, and rebuilt from batch headers when missing or corrupt; only the batches after
    // the last index entry are read. `corrupt` when the .log does not end on a whole batch
    // header chain: the caller then runs recover().
    static result<std::unique_ptr<segment>> open(file_system& fs, const std::string& dir, model::offset base_offset,
                                                 const segment_config& config);
    // Opens without loading anything, for recover().
    static result<std::unique_ptr<segment>> open_for_recovery(file_system& fs, const std::string& dir,
                                                              model::offset base_offset, const segment_config& config);

    segment(const segment&) = delete;
    segment& operator=(const segment&) = delete;

    // Reads every batch, checking its framing, CRC and offsets; cuts the .log at the first
    // bad one and rebuilds both indexes from what is kept.
    result<segment_recovery> recover();

    // Appends a batch whose base offset is already assigned: >= next_offset(), and its last
    // offset within relative_offset_max of base_offset() (the log rolls first otherwise).
    // On an error nothing was appended and the segment stays usable.
    storage_errc append(protocol::record_batch_view batch, int64_t now_ms);

    // The first batch whose last offset >= `offset`, nullopt when there is none.
    result<std::optional<batch_header>> find_batch(model::offset offset);
    // Whole batches from the one holding `from`, up to max_bytes in total but at least one,
    // none starting at or after `max_offset` (read_committed: the last stable offset).
    result<file_range> read(model::offset from, uint64_t max_bytes, model::offset max_offset = model::offset(INT64_MAX));
    // The first record with timestamp >= target and offset >= min_offset, with its
    // timestamp (ListOffsets).
    result<std::optional<timestamp_offset>> find_offset_by_timestamp(int64_t target_ms, model::offset min_offset);
    // Removes the batch holding `offset` and everything after it.
    storage_errc truncate_to(model::offset offset);

    // The segment stops being active (rolled): its final time index entry; both index files
    // written (not synced) and mapped read-only for lookups. A later truncation back into it
    // copies the entries to memory again.
    void seal();
    // Index files written, then all three files synced.
    storage_errc flush();
    storage_errc remove_files();

    // The segment's .txnindex, opened on first use (most segments never hold an aborted
    // transaction: no descriptor is spent on them).
    result<txn_index*> transactions();
    // Whether the .txnindex has entries (known without opening it once this object appended
    // to it or read it).
    result<bool> has_aborted_transactions();
    // fdatasync of the .txnindex if this object changed it (never opens it).
    storage_errc sync_transactions() { return _txn_index ? _txn_index->sync() : storage_errc::none; }
    model::offset base_offset() const noexcept { return _base_offset; }
    // One past the last offset held (base_offset() when empty).
    model::offset next_offset() const noexcept { return _next_offset; }
    uint64_t size_bytes() const noexcept { return _size_bytes; }
    bool empty() const noexcept { return _size_bytes == 0; }
    int64_t max_timestamp() const noexcept { return _max_timestamp; }
    model::offset offset_of_max_timestamp() const noexcept { return _offset_of_max_timestamp; }
    bool index_full() const noexcept { return _offset_index.full() || _time_index.full(); }
    // Clock time of the first append since created or opened (segment.ms counts from it).
    std::optional<int64_t> first_append_ms() const noexcept { return _first_append_ms; }
    const offset_index& index() const noexcept { return _offset_index; }
    const time_index& timestamps() const noexcept { return _time_index; }
    const std::shared_ptr<file_handle>& log_file() const noexcept { return _log; }
    bool failed() const noexcept { return _failed; }

private:
    segment(file_system& fs, std::string dir, model::offset base_offset, const segment_config& config);

    storage_errc open_files(open_mode log_mode);
    // Index state from the index files, then the batches after the last offset index entry.
    storage_errc load();
    // Both indexes again from the batch headers of the whole .log.
    storage_errc rebuild_indexes();
    // Walks batch headers from `position` to the end, tracking each; corrupt on a torn chain.
    storage_errc scan_headers(uint64_t position, bool first_is_indexed);
    // Counts a batch at the end of the segment: offsets, timestamps, Kafka's index rule.
    void track(const batch_header& batch, bool may_index);
    void reset_state();
    std::string path(std::string_view extension) const;

    file_system& _fs;
    std::string _dir;
    model::offset _base_offset;
    segment_config _config;
    std::shared_ptr<file_handle> _log;
    std::shared_ptr<file_handle> _index_file;
    std::shared_ptr<file_handle> _time_index_file;
    offset_index _offset_index;
    time_index _time_index;
    std::unique_ptr<txn_index> _txn_index;

    model::offset _next_offset;
    uint64_t _size_bytes = 0;
    uint64_t _bytes_since_last_index_entry = 0;
    int64_t _max_timestamp = -1;
    model::offset _offset_of_max_timestamp;
    std::optional<int64_t> _first_append_ms;
    bool _failed = false;
};

} // namespace sluice::storage
