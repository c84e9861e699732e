#pragma once
// producer_state: one partition's idempotent-producer table (Kafka's ProducerStateManager,
// ProducerAppendInfo, ProducerStateEntry; Kafka 4.0 rules). Per producer id: its epoch, the
// last 5 batches it appended (sequence range, offsets, timestamp) for de-duplication, its open
// transaction's first offset, its last timestamp.
//
// Use on the leader's append path: check() the batch; `duplicate` → answer with the original
// offsets and append nothing; an error → refuse the batch; `ok` → append, then update() with
// the offsets the log assigned. Recovery: producer_state::load() the newest snapshot, then
// replay_batch() every batch from map_end_offset() to the log end (no checks: the log is the
// truth). Snapshots: write_snapshot() at a segment roll and a clean shutdown.
//
// Owned by the partition's shard, like its log; not thread-safe. No I/O except the snapshot
// functions, which go through the given file_system.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "protocol/record_batch.h"
#include "storage/file_system.h"
#include "storage/producer_snapshot.h"

namespace sluice::storage {

// Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the client keeps at most 5 batches in
// flight per partition (max.in.flight.requests.per.connection <= 5 with idempotence).
inline constexpr size_t producer_batches_retained = 5;
// producer.id.expiration.ms (KIP-854), Kafka's default: one day.
inline constexpr int64_t producer_id_expiration_ms_default = 86'400'000;

// Sequences wrap from INT32_MAX to 0 (Kafka's DefaultRecordBatch.incrementSequence).
int32_t increment_sequence(int32_t sequence, int32_t increment) noexcept;
int32_t decrement_sequence(int32_t sequence, int32_t decrement) noexcept;

// The producer fields of one batch header.
struct producer_batch {
    model::producer_id producer_id = model::no_producer_id;
    model::producer_epoch epoch = model::no_producer_epoch;
    int32_t base_sequence = -1;
    int32_t last_sequence = -1; // increment_sequence(base_sequence, last_offset_delta)
    bool is_transactional = false;

    static producer_batch of(const protocol::record_batch_view& batch) noexcept;
};

// One appended batch as remembered for de-duplication.
struct producer_batch_metadata {
    int32_t first_sequence = -1;
    int32_t last_sequence = -1;
    model::offset last_offset = model::no_offset;
    int32_t offset_delta = 0; // last offset - first offset
    int64_t timestamp_ms = -1;

    model::offset first_offset() const noexcept { return model::offset(last_offset.value() - offset_delta); }
    bool operator==(const producer_batch_metadata&) const = default;
};

struct producer_entry {
    model::producer_epoch epoch = model::no_producer_epoch;
    std::vector<producer_batch_metadata> batches; // oldest first, at most producer_batches_retained
    int32_t coordinator_epoch = -1;
    std::optional<model::offset> current_txn_first_offset; // the open transaction's first offset
    int64_t last_timestamp_ms = -1;

    int32_t last_sequence() const noexcept { return batches.empty() ? -1 : batches.back().last_sequence; }
    bool operator==(const producer_entry&) const = default;
};

// What check() says of a batch. Each error maps to the Kafka code in its comment.
enum class producer_check_errc : uint8_t {
    ok,
    duplicate,             // a retry of a kept batch: answer with its offsets, append nothing
    out_of_order_sequence, // OUT_OF_ORDER_SEQUENCE_NUMBER (45)
    invalid_producer_epoch, // INVALID_PRODUCER_EPOCH (47)
    invalid_txn_state,     // INVALID_TXN_STATE (48): a non-transactional batch inside a transaction
    coordinator_fenced,    // TRANSACTION_COORDINATOR_FENCED (52): a marker from an older coordinator epoch
};

struct producer_check {
    producer_check_errc result = producer_check_errc::ok;
    // For `duplicate`: the original batch's offsets and timestamp.
    model::offset base_offset = model::no_offset;
    model::offset last_offset = model::no_offset;
    int64_t timestamp_ms = -1;
};

// A transaction marker (the single control record of a COMMIT/ABORT control batch).
struct txn_marker {
    model::producer_id producer_id = model::no_producer_id;
    model::producer_epoch epoch = model::no_producer_epoch;
    int32_t coordinator_epoch = 0;
    bool commit = false;
};
// The marker a control batch carries; nullopt for other control records (or malformed ones,
// which the batch validator already refused on the way in).
std::optional<txn_marker> read_txn_marker(const protocol::record_batch_view& batch);

// A transaction a marker ended. first_offset: its first data batch (the marker's own offset
// when the producer wrote nothing in it).
struct completed_txn {
    model::producer_id producer_id;
    model::offset first_offset;
    model::offset last_offset; // the marker's offset
    bool aborted = false;
};

class producer_state {
public:
    // An empty table covering nothing below `map_end_offset` (the log start offset).
    explicit producer_state(model::offset map_end_offset = model::offset(0)) : _map_end_offset(map_end_offset) {}

    // Before an append from a client. Batches without a producer id are always ok.
    producer_check check(const producer_batch& batch) const;
    // After the append of a batch that check() passed: its assigned offsets and its max
    // timestamp as stored (the append time under LogAppendTime).
    void update(const producer_batch& batch, model::offset first_offset, model::offset last_offset,
                int64_t max_timestamp_ms);
    // Recovery: one batch read back from the log, unchecked. A transaction marker ends its
    // producer's transaction: returned so the log can rebuild its .txnindex entry.
    std::optional<completed_txn> replay_batch(const protocol::record_batch_view& batch);

    // ---- Transactions (KIP-98) ------------------------------------------------------------
    // Before appending a marker: an older producer epoch is invalid_producer_epoch, an older
    // coordinator epoch coordinator_fenced (Kafka's ProducerAppendInfo.checkProducerEpoch and
    // appendEndTxnMarker).
    producer_check_errc check_marker(const txn_marker& marker) const;
    // After appending a marker at `offset`: the producer's transaction ends (Kafka's
    // appendEndTxnMarker: the epoch may move up, which forgets the kept batches).
    completed_txn complete_txn(const txn_marker& marker, model::offset offset, int64_t timestamp_ms);
    // The first offset of the oldest open transaction; nullopt when none is open. The last
    // stable offset is this, or the high watermark when nullopt.
    std::optional<model::offset> first_unstable_offset() const noexcept {
        if (_ongoing.empty()) return std::nullopt;
        return model::offset(_ongoing.begin()->first);
    }
    // The last stable offset right after `txn` completed (the .txnindex entry's field): the
    // oldest transaction still open, else the offset after the marker.
    model::offset last_stable_offset_after(const completed_txn& txn) const noexcept {
        auto first = first_unstable_offset();
        return first ? *first : model::offset(txn.last_offset.value() + 1);
    }
    size_t open_transactions() const noexcept { return _ongoing.size(); }

    // Removes producers idle for at least expiration_ms (last timestamp) without an open
    // transaction (Kafka's removeExpiredProducers). Returns how many.
    size_t expire(int64_t now_ms, int64_t expiration_ms);

    const producer_entry* find(model::producer_id id) const;
    // Every producer by id (DescribeProducers); unordered.
    const std::unordered_map<int64_t, producer_entry>& entries() const noexcept { return _producers; }
    size_t producer_count() const noexcept { return _producers.size(); }
    // The first offset not reflected in the table.
    model::offset map_end_offset() const noexcept { return _map_end_offset; }
    // A truncation of the log to below the map end without a reload (tests, follower resets).
    void set_map_end_offset(model::offset offset) noexcept { _map_end_offset = offset; }

    // Snapshot entries (the last batch of each producer), sorted by producer id.
    std::vector<producer_snapshot_entry> snapshot_entries() const;
    // Writes <map end offset>.snapshot in `dir`. Unchanged since the last written or loaded
    // snapshot: nothing is written (Kafka's takeSnapshot).
    storage_errc write_snapshot(file_system& fs, const std::string& dir);

    // Load at open: deletes snapshots above log_end_offset and corrupt ones, loads the newest
    // valid one (dropping expired producers), else starts empty at log_start_offset. The caller
    // then replays the log from map_end_offset() to the log end.
    static result<producer_state> load(file_system& fs, const std::string& dir, model::offset log_start_offset,
                                       model::offset log_end_offset, int64_t now_ms, int64_t expiration_ms);

    bool empty() const noexcept { return _producers.empty(); }

    // The same producers with the same kept batches (map end and snapshot bookkeeping aside).
    bool operator==(const producer_state& other) const { return _producers == other._producers; }

private:
    void apply(const producer_batch& batch, model::offset first_offset, model::offset last_offset,
               int64_t max_timestamp_ms);

    std::unordered_map<int64_t, producer_entry> _producers;
    std::map<int64_t, int64_t> _ongoing; // open transactions: first offset -> producer id
    model::offset _map_end_offset;
    model::offset _snapshot_offset = model::no_offset; // of the last snapshot written or loaded
};

} // namespace sluice::storage
