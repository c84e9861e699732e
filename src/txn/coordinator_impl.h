#pragma once
// The state behind transaction_coordinator (private to src/txn): the partitions this shard
// coordinates, their transactional ids, the writes, and the rules split by role:
// init_producer_id.cc, add_partitions.cc, end_txn.cc (EndTxn, markers, completion),
// cleanup.cc (timed-out transactions, expired ids), loading.cc, txn_admin.cc. Kafka 4.0's
// TransactionCoordinator / TransactionStateManager are the model; names of the steps follow
// theirs.
//
// Memory changes only once the record describing it is durable (txn_metadata::pending marks a
// transition being written). Callbacks of writes, producer id requests and markers check that
// the coordinator is alive and that the partition is still loaded at the same load.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "txn/transaction_coordinator.h"
#include "txn/transaction_metadata.h"

namespace sluice::txn {

namespace msg = protocol::msg;
using protocol::error_code;

// Kafka's mapping of a failed __transaction_state append to the error answered.
error_code append_error_to_response(error_code e) noexcept;

struct transaction_coordinator::impl {
    impl(txn_config c, scheduler& s, state_log& l, producer_id_source& i, marker_writer& m)
        : config(c), timers(s), log(l), ids(i), markers(m) {}
    ~impl();

    txn_config config;
    scheduler& timers;
    state_log& log;
    producer_id_source& ids;
    marker_writer& markers;
    // Expires with the coordinator: callbacks that outlive it do nothing.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    enum class load_status { loading, loaded };
    struct partition_entry {
        load_status status = load_status::loading;
        uint64_t load = 0;              // a new number per load: callbacks of an older load are stale
        int32_t coordinator_epoch = 0;  // the partition's leader epoch, carried by markers
    };
    std::map<int32_t, partition_entry> partitions;
    uint64_t next_load = 1;
    uint64_t skipped = 0;
    std::map<std::string, std::unique_ptr<txn_metadata>> transactions;
    scheduler::timer_id abort_timer = 0;
    scheduler::timer_id expire_timer = 0;

    // ---- routing, writes (transaction_coordinator.cc) ---------------------------------------
    int32_t partition_of(const std::string& transactional_id) const noexcept;
    // none, COORDINATOR_LOAD_IN_PROGRESS or NOT_COORDINATOR for the id's partition.
    error_code partition_error(const std::string& transactional_id) const noexcept;
    txn_metadata* find(const std::string& transactional_id) noexcept;
    // A check for callbacks: the id's partition is still loaded at `load`.
    bool still_loaded(int32_t partition, uint64_t load) const noexcept;
    uint64_t current_load(int32_t partition) const noexcept;
    // Writes m's prepared target; once durable applies it (complete_transition) and calls
    // then(none). On failure the pending transition is dropped (kept when `keep_pending_on`
    // matches the mapped error, for a retry) and then(error). NOT_COORDINATOR when the
    // partition was unloaded or reloaded meanwhile.
    void write_transition(txn_metadata& m, txn_values target, std::function<void(error_code)> then,
                          error_code keep_pending_on = error_code::none);

    // ---- InitProducerId (init_producer_id.cc) ------------------------------------------------
    struct init_request {
        std::string transactional_id;
        int32_t timeout_ms;
        std::optional<std::pair<model::producer_id, model::producer_epoch>> expected;
    };
    using init_done = callback<msg::init_producer_id_response>;
    void init_producer_id(const init_request& request, init_done done);
    // With the metadata present; `fresh_id` a producer id fetched for it (new id, rotation).
    void continue_init(const init_request& request, std::optional<model::producer_id> fresh_id, init_done done);
    void with_fresh_producer_id(const init_request& request, init_done done);

    // ---- AddPartitionsToTxn / AddOffsetsToTxn (add_partitions.cc) ----------------------------
    void add_partitions(const std::string& transactional_id, model::producer_id producer_id,
                        model::producer_epoch producer_epoch, const std::set<topic_partition>& partitions,
                        std::function<void(error_code)> done);
    std::map<topic_partition, error_code> verify_partitions(const std::string& transactional_id,
                                                            model::producer_id producer_id,
                                                            model::producer_epoch producer_epoch,
                                                            const std::set<topic_partition>& partitions);

    // ---- EndTxn, markers, completion (end_txn.cc) ---------------------------------------------
    // from_client: the epoch must match exactly; otherwise (fencing) a higher epoch aborts
    // with the epoch bumped to it.
    void end_transaction(const std::string& transactional_id, model::producer_id producer_id,
                         model::producer_epoch producer_epoch, bool commit, bool from_client,
                         std::function<void(error_code)> done);
    void send_markers(const std::string& transactional_id, uint64_t load);
    void on_markers_written(const std::string& transactional_id, uint64_t load, model::producer_id producer_id,
                            model::producer_epoch producer_epoch,
                            const std::vector<std::pair<topic_partition, error_code>>& results);
    void complete_transaction(const std::string& transactional_id, uint64_t load);
    void write_completion(const std::string& transactional_id, uint64_t load, txn_values target);
    void retry_later(txn_metadata& m, std::function<void()> fn);

    // ---- timed-out transactions, expired ids (cleanup.cc) -------------------------------------
    void schedule_abort_timed_out();
    void schedule_remove_expired();
    void abort_timed_out_transactions();
    void remove_expired_transactional_ids();

    // ---- loading (loading.cc) -----------------------------------------------------------------
    void begin_load(int32_t partition, int32_t coordinator_epoch);
    void replay(int32_t partition, byte_view key, std::optional<byte_view> value);
    void complete_load(int32_t partition);
    void unload(int32_t partition);
    void drop_partition_transactions(int32_t partition);

    // ---- describe, list (txn_admin.cc) ----------------------------------------------------------
    described_transaction describe(const std::string& transactional_id) const;
    std::vector<listed_transaction> list(const std::vector<std::string>& state_filters,
                                         const std::vector<model::producer_id>& producer_id_filters,
                                         int64_t duration_filter_ms) const;
};

} // namespace sluice::txn
