#pragma once
// log: one partition's log (Kafka's UnifiedLog without replication state): ordered segments,
// the last one active; the log start offset; the leader-epoch cache. Appends assign offsets;
// reads return file ranges for sendfile; ListOffsets, DeleteRecords and truncation for
// replication. No high watermark yet: reads go up to the log end offset.
//
// Owned by the partition's shard; not thread-safe. The file system and clock must outlive it.
// The destructor does no I/O: call close() for a clean shutdown, flush() for durability.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "storage/clock.h"
#include "storage/file_range.h"
#include "storage/file_system.h"
#include "storage/leader_epoch_cache.h"
#include "storage/producer_state.h"
#include "storage/segment.h"
#include "storage/sync_plan.h"
#include "storage/time_index.h"

namespace sluice::storage {

struct log_config {
    segment_config segment;
    int64_t segment_ms = segment_format::segment_ms_default;
    int64_t segment_jitter_ms = segment_format::segment_jitter_ms_default;
    uint64_t jitter_seed = 0;      // per partition, so rolls of many partitions spread out
    bool log_append_time = false;  // message.timestamp.type=LogAppendTime
    int64_t producer_id_expiration_ms = producer_id_expiration_ms_default; // producer.id.expiration.ms
};

struct log_open_options {
    // From the log directory's checkpoints; offsets below the recovery point are trusted.
    model::offset recovery_point{0};
    model::offset log_start_offset{0};
    // The log directory had the clean-shutdown marker: no segment is scanned.
    bool clean_shutdown = false;
};

// What opening did: the caller logs it (offsets and byte counts of what was cut).
struct log_recovery_report {
    int segments_scanned = 0;
    int64_t batches_scanned = 0;
    uint64_t bytes_scanned = 0;
    uint64_t bytes_truncated = 0;              // torn or corrupt tail cut
    model::offset truncated_from = model::no_offset; // first offset no longer in the log
    int segments_deleted = 0;                  // after the cut, or orphans
};

struct append_result {
    model::offset base_offset;
    model::offset last_offset;
    int64_t log_append_time_ms = -1; // set under LogAppendTime
};

struct log_read_result {
    file_range range; // whole batches; empty at the log end
    model::offset log_start_offset;
    model::offset log_end_offset;
};

// What append_marker() did.
struct marker_append_result {
    model::offset offset;
    producer_check_errc error = producer_check_errc::ok; // invalid_producer_epoch, coordinator_fenced
};

class log {
public:
    static result<std::unique_ptr<log>> open(file_system& fs, const std::string& dir, const log_config& config,
                                              const clock& clock, const log_open_options& options);

    log(const log&) = delete;
    log& operator=(const log&) = delete;

    // Appends one validated batch: patches its base offset, leader epoch and (LogAppendTime)
    // timestamp in place, rolls when a roll condition holds. On an error nothing is appended.
    result<append_result> append(std::span<uint8_t> batch, model::leader_epoch epoch);

    // Whole batches from the one holding `offset`, up to max_bytes (at least one batch), none
    // starting at or after max_offset (read_committed: the last stable offset).
    // offset_out_of_range outside [log start, log end].
    result<log_read_result> read(model::offset offset, uint64_t max_bytes,
                                 model::offset max_offset = model::offset(INT64_MAX));

    // ---- Idempotent and transactional producers (producer_state.h) ------------------------
    // Before appending a client's batch: duplicate → answer with the original offsets, an
    // error → refuse. append() then records the batch in the producer state.
    producer_check check_producer(const protocol::record_batch_view& batch) const {
        return _producers.check(producer_batch::of(batch));
    }
    // Appends a COMMIT/ABORT control batch for the producer (Kafka's WriteTxnMarkers on the
    // partition leader): its transaction ends; an abort is added to the .txnindex. Refused
    // (nothing appended) for an older producer or coordinator epoch.
    result<marker_append_result> append_marker(const txn_marker& marker, model::leader_epoch epoch);
    // The last stable offset: the first offset of the oldest open transaction, else the log end.
    model::offset last_stable_offset() const noexcept {
        return _producers.first_unstable_offset().value_or(_next_offset);
    }
    // The aborted transactions overlapping [from, to) (Fetch at read_committed), in the order
    // their markers were written.
    result<std::vector<aborted_txn>> aborted_transactions(model::offset from, model::offset to);
    const producer_state& producers() const noexcept { return _producers; }
    // Forgets producers idle for producer.id.expiration.ms (called periodically).
    size_t expire_producers() { return _producers.expire(_clock.now_ms(), _config.producer_id_expiration_ms); }

    // ListOffsets.
    model::offset log_start_offset() const noexcept { return _log_start_offset; }
    model::offset log_end_offset() const noexcept { return _next_offset; }
    // The first record with timestamp >= target (its timestamp and offset), nullopt if none.
    result<std::optional<timestamp_offset>> offset_for_timestamp(int64_t target_ms);
    // The first record holding the largest timestamp (KIP-734), nullopt for an empty log.
    result<std::optional<timestamp_offset>> max_timestamp();

    // DeleteRecords: moves the log start offset to `offset` (<= log end) and deletes the
    // segments entirely below it, never the active one.
    storage_errc delete_records(model::offset offset);
    // Removes every offset >= `offset` (whole batches). Below the log start: the log is
    // emptied and restarts at `offset`.
    storage_errc truncate_to(model::offset offset);

    // OffsetForLeaderEpoch.
    epoch_end_offset end_offset_for_epoch(model::leader_epoch epoch) const {
        return _epochs.end_offset_for(epoch, _next_offset);
    }
    const leader_epoch_cache& epochs() const noexcept { return _epochs; }

    // Everything appended is durable afterwards; the recovery point becomes the log end.
    storage_errc flush();
    // flush() after sealing the active segment; the log must not be used afterwards.
    storage_errc close();

    model::offset recovery_point() const noexcept { return _recovery_point; }

    // A topic config change: roll rules (segment.bytes, segment.ms, jitter) and
    // message.timestamp.type apply from the next append; index settings from the next
    // segment. The jitter seed stays the partition's.
    void reconfigure(const log_config& config) {
        const uint64_t seed = _config.jitter_seed;
        _config = config;
        _config.jitter_seed = seed;
    }
    const log_config& config() const noexcept { return _config; }

    // Group commit (log_sync.cc, flush_service.h). A plan covering everything appended so far;
    // after the flush service synced it, mark_synced() moves the recovery point to its end
    // (unless the log was truncated since), mark_sync_failed() makes a later plan redo its
    // directory sync.
    sync_plan prepare_sync();
    void mark_synced(const sync_point& point);
    void mark_sync_failed(const sync_point& point);
    const log_recovery_report& recovery_report() const noexcept { return _report; }
    size_t segment_count() const noexcept { return _segments.size(); }
    const segment& segment_at(size_t i) const noexcept { return *_segments[i]; }

    // --- Retention and compaction (retention.h, compaction/log_cleaner.h) ---------------
    // Deletes the `count` oldest segments (never the active one) and moves the log start
    // offset up to the base offset of the first remaining segment (Kafka's deleteSegments +
    // incrementLogStartOffset).
    storage_errc delete_oldest_segments(size_t count);
    // Replaces non-active segment `index` by `cleaned_path`, a complete and synced .log with
    // the same base offset and a subset of its offsets (the log cleaner's output). The rename
    // over the old .log is the commit point: a crash leaves the old or the new segment
    // (docs/formats/compaction.md). Open fetch ranges keep reading the old file. An error
    // after the rename leaves this object serving the old segment's still-open file until the
    // log is reopened (still correct: both versions hold valid data).
    storage_errc swap_in_cleaned_segment(size_t index, const std::string& cleaned_path);
    file_system& fs() noexcept { return _fs; }
    const std::string& dir() const noexcept { return _dir; }

private:
    log(file_system& fs, std::string dir, const log_config& config, const clock& clock, leader_epoch_cache epochs);

    storage_errc load_segments(const log_open_options& options);
    storage_errc open_segment(model::offset base, bool trusted);
    storage_errc remove_segments_from(size_t index);
    storage_errc maybe_roll(const protocol::record_batch_view& batch, model::offset last_offset);
    storage_errc roll(model::offset base_offset);
    storage_errc restart_at(model::offset offset);
    // Producer state at open and after a truncation: the newest snapshot at or below the log
    // end, then every batch after it (re-adding .txnindex entries a crash lost).
    storage_errc load_producer_state(bool any_snapshot_files);
    storage_errc replay_producers(model::offset from);
    storage_errc add_aborted(const completed_txn& txn, size_t segment_index);
    storage_errc snapshot_producers();
    int64_t draw_jitter();
    segment& active() noexcept { return *_segments.back(); }
    // The segment holding `offset` or the last one before it (offset >= first base).
    size_t floor_segment(model::offset offset) const noexcept;

    file_system& _fs;
    std::string _dir;
    log_config _config;
    const clock& _clock;
    leader_epoch_cache _epochs;
    std::vector<std::unique_ptr<segment>> _segments; // by base offset; never empty once open
    model::offset _log_start_offset{0};
    model::offset _next_offset{0};
    model::offset _recovery_point{0};
    int64_t _active_jitter_ms = 0;
    uint64_t _jitter_state; // splitmix64: 8 bytes, where std::mt19937_64 took 2.5 KiB per partition
    bool _dir_changed = false; // segments created or removed since the last sync_dir
    uint64_t _truncation_count = 0; // log_sync.cc: truncate_to() and restart_at() invalidate plans
    producer_state _producers;
    bool _has_producer_snapshots = false; // snapshot files may exist in the directory
    log_recovery_report _report;
};

} // namespace sluice::storage
