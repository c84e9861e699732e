#pragma once
// transaction_coordinator: Kafka's transaction coordinator for the __transaction_state
// partitions one shard owns (DESIGN.md §7). One instance per shard; every call and every
// callback happens on that shard's thread. It does no I/O itself: state records go to a
// `state_log` (the server appends them to __transaction_state-<p> and answers once durable),
// producer ids come from a `producer_id_source`, COMMIT/ABORT markers are written by a
// `marker_writer`, time and timers come from a `scheduler`. The server routes a transactional
// id's requests here (partition_for) and converts versions; this class applies Kafka 4.0's
// rules (TransactionCoordinator / TransactionStateManager / TransactionMetadata /
// TransactionMarkerChannelManager) for transaction version 1 clients and fills the responses.
//
// Every `done` runs exactly once, possibly inside the call; callers must not re-enter the
// coordinator from it.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/scheduler.h"
#include "protocol/error_code.h"
#include "protocol/generated/api_022_init_producer_id.h"
#include "protocol/generated/api_024_add_partitions_to_txn.h"
#include "protocol/generated/api_025_add_offsets_to_txn.h"
#include "protocol/generated/api_026_end_txn.h"
#include "protocol/generated/api_065_describe_transactions.h"
#include "protocol/generated/api_066_list_transactions.h"

namespace sluice::txn {

// The broker keys the coordinator applies (Kafka's names and defaults).
struct txn_config {
    int32_t state_partitions = 50;                    // transaction.state.log.num.partitions
    int32_t max_timeout_ms = 900'000;                 // transaction.max.timeout.ms
    int64_t id_expiration_ms = 604'800'000;           // transactional.id.expiration.ms
    int64_t abort_timed_out_interval_ms = 10'000;     // transaction.abort.timed.out.transaction.cleanup.interval.ms
    int64_t remove_expired_interval_ms = 3'600'000;   // transaction.remove.expired.transaction.cleanup.interval.ms
    int32_t offsets_topic_partitions = 50;            // offsets.topic.num.partitions (AddOffsetsToTxn)
    int64_t marker_retry_backoff_ms = 100;            // retry of failed markers / Complete* writes (Kafka: retry.backoff.ms)
    // __transaction_state value version written: 1 (flexible) as Kafka 4.0 with
    // transaction.version >= 1 writes it, or 0 for readers older than Kafka 4.0.
    int16_t state_value_version = 1;
};

// The __transaction_state partition of a transactional id: Kafka's
// abs(transactionalId.hashCode()) % partitions (Java String.hashCode).
int32_t partition_for(std::string_view transactional_id, int32_t partitions) noexcept;

using scheduler = sluice::scheduler;

// One __transaction_state record (key: int16 type 0 + key; value: int16 version + value;
// docs/formats/transaction_state.md); no value = a tombstone.
struct state_record {
    byte_buffer key;
    std::optional<byte_buffer> value;
};

// Where state records go. append() writes them as one batch to __transaction_state-<partition>
// and calls done on the coordinator's shard once durable (error_code::none) or failed (the
// coordinator maps failures as Kafka: NOT_LEADER_OR_FOLLOWER/KAFKA_STORAGE_ERROR →
// NOT_COORDINATOR, NOT_ENOUGH_REPLICAS*/REQUEST_TIMED_OUT/UNKNOWN_TOPIC_OR_PARTITION →
// COORDINATOR_NOT_AVAILABLE, too large → UNKNOWN_SERVER_ERROR).
class state_log {
public:
    virtual ~state_log() = default;
    virtual void append(int32_t partition, std::vector<state_record> records,
                        std::function<void(protocol::error_code)> done) = 0;
};

// Producer ids for new transactional ids and for epoch exhaustion; the server hands them out
// from blocks the metadata quorum allocates. done runs on the coordinator's shard; an error
// (e.g. COORDINATOR_LOAD_IN_PROGRESS while no block is available) is answered to the client.
class producer_id_source {
public:
    virtual ~producer_id_source() = default;
    virtual void next_producer_id(std::function<void(protocol::error_code, model::producer_id)> done) = 0;
};

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
};

// A COMMIT or ABORT control batch for each partition of a transaction (Kafka's
// WriteTxnMarkers entry).
struct marker_request {
    model::producer_id producer_id;
    model::producer_epoch producer_epoch;
    int32_t coordinator_epoch = 0;
    bool commit = false;
    std::vector<topic_partition> partitions;
};

// The server appends the marker to each partition (durably, wherever its leader is) and calls
// done on the coordinator's shard with one error per partition (none = written). Errors:
// UNKNOWN_TOPIC_OR_PARTITION (deleted: dropped from the transaction), INVALID_PRODUCER_EPOCH /
// TRANSACTION_COORDINATOR_FENCED (a newer epoch or coordinator: markers stop), anything else
// retried after txn_config::marker_retry_backoff_ms.
class marker_writer {
public:
    virtual ~marker_writer() = default;
    virtual void write_markers(marker_request request,
                               std::function<void(std::vector<std::pair<topic_partition, protocol::error_code>>)> done) = 0;
};

template <typename T>
using callback = std::function<void(T)>;

class transaction_coordinator {
public:
    using add_partitions_transaction = protocol::msg::add_partitions_to_txn_request::add_partitions_to_txn_transaction;
    using add_partitions_result = protocol::msg::add_partitions_to_txn_response::add_partitions_to_txn_result;
    using described_transaction = protocol::msg::describe_transactions_response::transaction_state_t;
    using listed_transaction = protocol::msg::list_transactions_response::transaction_state_t;

    // Starts the periodic timed-out-transaction abort and transactional id expiration timers.
    transaction_coordinator(txn_config config, scheduler& timers, state_log& log, producer_id_source& ids,
                            marker_writer& markers);
    ~transaction_coordinator();
    transaction_coordinator(const transaction_coordinator&) = delete;
    transaction_coordinator& operator=(const transaction_coordinator&) = delete;

    // ---- Partitions this shard coordinates ---------------------------------------------------
    // Becoming coordinator of __transaction_state-<partition> (at the partition's leader epoch,
    // which markers carry as the coordinator epoch): begin_load, replay() every record in
    // offset order, complete_load. Requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS; for a
    // partition never loaded (or unloaded), NOT_COORDINATOR. complete_load resumes the
    // transactions found in PrepareCommit/PrepareAbort: their markers are written again, then
    // their CompleteCommit/CompleteAbort record.
    void begin_load(int32_t partition, int32_t coordinator_epoch = 0);
    // Undecodable records and unknown key types are skipped and counted, never fatal.
    void replay(int32_t partition, byte_view key, std::optional<byte_view> value);
    void complete_load(int32_t partition);
    // No longer coordinator: timers cancelled, state dropped; callbacks of writes still in
    // flight answer NOT_COORDINATOR.
    void unload(int32_t partition);
    bool loaded(int32_t partition) const noexcept;
    bool loading() const noexcept; // ListTransactions answers COORDINATOR_LOAD_IN_PROGRESS meanwhile
    uint64_t skipped_records() const noexcept;

    // ---- Producer APIs (already routed here by partition_for) ---------------------------------
    // InitProducerId v0-5 with a non-null transactional_id (the server answers idempotent
    // producers itself; a null id is answered INVALID_REQUEST). PRODUCER_FENCED is answered
    // INVALID_PRODUCER_EPOCH below v4 (KIP-588).
    void init_producer_id(int16_t version, const protocol::msg::init_producer_id_request& request,
                          callback<protocol::msg::init_producer_id_response> done);
    // AddPartitionsToTxn: v0-3 (the client's single transaction, results_by_topic_v3_and_below)
    // and v4-5 (every transaction of `transactions`, results_by_transaction in request order).
    // Topics the server refused (unknown, unauthorized) must already be removed.
    void add_partitions_to_txn(int16_t version, const protocol::msg::add_partitions_to_txn_request& request,
                               callback<protocol::msg::add_partitions_to_txn_response> done);
    // One transaction of a v4+ request (the server may split a batch across shards);
    // verify_only = KIP-890 verification (partitions not in the transaction:
    // TRANSACTION_ABORTABLE).
    void add_partitions_one(int16_t version, const add_partitions_transaction& transaction,
                            callback<add_partitions_result> done);
    // AddOffsetsToTxn v0-4: adds __consumer_offsets-<partition of the group>.
    void add_offsets_to_txn(int16_t version, const protocol::msg::add_offsets_to_txn_request& request,
                            callback<protocol::msg::add_offsets_to_txn_response> done);
    // EndTxn v0-5: answered once PrepareCommit/PrepareAbort is durable; markers and the
    // Complete* record follow. v5's producer_id/epoch are the transaction's (no KIP-890 bump).
    void end_txn(int16_t version, const protocol::msg::end_txn_request& request,
                 callback<protocol::msg::end_txn_response> done);

    // ---- Admin ------------------------------------------------------------------------------
    // One transactional id of a DescribeTransactions (TRANSACTIONAL_ID_NOT_FOUND if unknown).
    void describe_transaction(const std::string& transactional_id, callback<described_transaction> done);
    // The transactions of every loaded partition passing the filters (empty = all; unknown
    // state names are ignored, see unknown_state_filters; duration_filter_ms >= 0 keeps those
    // running longer than it, v1). The server answers COORDINATOR_LOAD_IN_PROGRESS when
    // loading() and gathers the shards' lists.
    std::vector<listed_transaction> list_transactions(const std::vector<std::string>& state_filters,
                                                      const std::vector<model::producer_id>& producer_id_filters,
                                                      int64_t duration_filter_ms = -1) const;
    static std::vector<std::string> unknown_state_filters(const std::vector<std::string>& state_filters);

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace sluice::txn
