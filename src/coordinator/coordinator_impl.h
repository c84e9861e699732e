#pragma once
// The state behind group_coordinator (private to src/coordinator): the partitions this shard
// coordinates, their classic groups and committed offsets, the keyed timers, and the rules,
// split by role over join_group.cc, sync_group.cc, membership.cc, offsets.cc, group_admin.cc
// and loading.cc. Kafka's GroupMetadataManager / OffsetMetadataManager are the model; names of
// the steps follow theirs so the two can be read side by side.
//
// Changes to memory happen after the records describing them are durable: committed offsets
// and deleted groups when the append succeeds; a rebalance's assignment when the leader's
// SyncGroup record is written. The exception: a transaction's offsets are pending from their
// append on (txn_offsets.cc). Parked JoinGroup/SyncGroup answers may be given synchronously
// inside any call; callers must not re-enter the coordinator from a `done` callback.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "coordinator/classic_group.h"
#include "coordinator/consumer_group.h"
#include "coordinator/group_coordinator.h"
#include "coordinator/offset_store.h"
#include "coordinator/pending_offsets.h"

namespace sluice::coordinator {

namespace msg = protocol::msg;
using protocol::error_code;

// Kafka's group.classic.new.member.join.timeout (not configurable in Kafka either).
inline constexpr int32_t new_member_join_timeout_ms = 300'000;

// Kafka's mapping of a failed append to the error a group/offset request answers.
error_code append_error_to_response(error_code e) noexcept;

struct group_coordinator::impl {
    impl(group_config c, scheduler& s, offsets_log& l) : config(c), timers(s), log(l) {}
    ~impl();

    group_config config;
    scheduler& timers;
    offsets_log& log;
    // Expires with the coordinator: timers and append callbacks that outlive it do nothing.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    enum class load_status { loading, loaded };
    struct partition_entry {
        load_status status = load_status::loading;
        uint64_t epoch = 0; // a new epoch per load: callbacks of an older load are stale
    };
    std::map<int32_t, partition_entry> partitions;
    uint64_t next_epoch = 1;
    uint64_t skipped = 0;
    std::map<std::string, std::unique_ptr<classic_group>> groups;
    offset_store offsets;
    pending_offsets pending; // KIP-98 transactional offsets awaiting their marker (txn_offsets.cc)
    // The order of every record written or replayed (offset_and_metadata::log_order); appends
    // to a partition land in the order write() is called.
    uint64_t next_log_order = 1;

    // ---- routing, groups --------------------------------------------------------------------
    int32_t partition_of(const std::string& group_id) const noexcept;
    // none, COORDINATOR_LOAD_IN_PROGRESS or NOT_COORDINATOR for the group's partition.
    error_code partition_error(const std::string& group_id) const noexcept;
    classic_group* find_group(const std::string& group_id) noexcept;
    classic_group& create_group(const std::string& group_id);
    void drop_group(const std::string& group_id); // timers cancelled, parked requests answered

    // ---- timers (Kafka's keyed CoordinatorTimer: scheduling a key replaces its timer) -------
    struct keyed_timer {
        uint64_t id;
        uint64_t sequence;
        std::string group_id;
    };
    std::map<std::string, keyed_timer> keyed_timers;
    uint64_t timer_sequence = 0;
    uint64_t retention_timer = 0;
    void schedule(const std::string& key, const std::string& group_id, int64_t delay_ms, std::function<void()> fn);
    void cancel(const std::string& key);
    static std::string heartbeat_key(const std::string& group_id, const std::string& member_id);
    static std::string join_key(const std::string& group_id);
    static std::string sync_key(const std::string& group_id);

    // ---- writes -----------------------------------------------------------------------------
    // Appends to the partition; `done` gets the append's error, NOT_COORDINATOR when the
    // partition was unloaded or reloaded meanwhile, and never runs after the coordinator is gone.
    // Returns the log order of the first record (the others follow it one by one).
    uint64_t write(int32_t partition, std::vector<offsets_record> records, std::function<void(error_code)> done);
    // The same as one transactional batch of the producer (KIP-98).
    uint64_t write_transactional(int32_t partition, model::producer_id producer_id, model::producer_epoch producer_epoch,
                                 std::vector<offsets_record> records, std::function<void(error_code)> done);
    std::function<void(error_code)> guard_write(int32_t partition, std::function<void(error_code)> done);
    msg::group_metadata_value group_metadata(const classic_group& g,
                                             const std::map<std::string, byte_buffer>& assignment) const;

    // ---- join (join_group.cc) ---------------------------------------------------------------
    void join_group(int16_t version, msg::join_group_request&& request, client_info&& client, parked_join join);
    void join_consumer_group(int16_t version, msg::join_group_request&& request, client_info&& client,
                             parked_join join);
    bool accept_joining_member(const classic_group& g, const std::string& member_id) const;
    void join_new_member(classic_group& g, int16_t version, msg::join_group_request&& request, client_info&& client,
                         parked_join join);
    void join_existing_member(classic_group& g, msg::join_group_request&& request, client_info&& client,
                              parked_join join);
    void add_member_and_rebalance(classic_group& g, const std::string& member_id, msg::join_group_request&& request,
                                  client_info&& client, parked_join join);
    void update_member_and_rebalance(classic_group& g, group_member& m, msg::join_group_request&& request,
                                     parked_join join, const std::string& reason);
    void update_static_member_and_rebalance(classic_group& g, const std::string& old_member_id,
                                            const std::string& new_member_id, msg::join_group_request&& request,
                                            parked_join join);
    // What a static member's rejoin replaced, to finish (or undo) it once its record is written.
    struct static_rejoin {
        std::string group_id;
        std::string instance_id;
        std::string old_member_id;
        std::string new_member_id;
        std::optional<std::string> old_leader;
        int16_t version;
        int32_t old_rebalance_timeout_ms;
        int32_t old_session_timeout_ms;
        std::vector<member_protocol> old_protocols;
    };
    void complete_static_rejoin(const static_rejoin& rejoin, error_code e);
    void maybe_prepare_rebalance_or_complete_join(classic_group& g, const std::string& reason);
    void prepare_rebalance(classic_group& g, const std::string& reason);
    void maybe_complete_join_phase(classic_group& g);
    void try_complete_initial_rebalance(const std::string& group_id, int32_t delay_ms, int32_t remaining_ms);
    void complete_join(const std::string& group_id);
    msg::join_group_response current_join_state(const classic_group& g, const std::string& member_id,
                                                bool with_members) const;
    void answer_join(parked_join& join, msg::join_group_response response);

    // ---- sync (sync_group.cc) ---------------------------------------------------------------
    void sync_group(int16_t version, msg::sync_group_request&& request, parked_sync sync);
    void store_assignment(classic_group& g, int32_t generation, std::map<std::string, byte_buffer> assignment,
                          const std::string& leader_id);
    void propagate_assignment(classic_group& g, error_code error);
    void reset_and_propagate_assignment_with_error(classic_group& g, error_code error);
    void schedule_pending_sync(classic_group& g);
    void expire_pending_sync(const std::string& group_id, int32_t generation);
    void remove_pending_sync_member(classic_group& g, const std::string& member_id);
    void answer_sync(parked_sync& sync, msg::sync_group_response response);

    // ---- heartbeat, leave, expiry (membership.cc) -------------------------------------------
    msg::heartbeat_response heartbeat(const msg::heartbeat_request& request);
    msg::leave_group_response leave_group(int16_t version, const msg::leave_group_request& request);
    void reschedule_heartbeat(classic_group& g, group_member& m, int64_t timeout_ms);
    void expire_member_heartbeat(const std::string& group_id, const std::string& member_id);
    // Answers the member's parked JoinGroup (UNKNOWN_MEMBER_ID) and SyncGroup, cancels its
    // timer and removes it from the group.
    void remove_member(classic_group& g, group_member& m);
    void remove_member_and_update_group(classic_group& g, group_member& m, const std::string& reason);
    error_code validate_member(const classic_group& g, const std::string& member_id,
                               const std::optional<std::string>& instance_id) const;

    // ---- offsets (offsets.cc) ---------------------------------------------------------------
    void offset_commit(int16_t version, msg::offset_commit_request&& request,
                       callback<msg::offset_commit_response> done);
    error_code validate_offset_commit(int16_t version, const msg::offset_commit_request& request);
    msg::offset_fetch_response::offset_fetch_response_group
    offset_fetch(const msg::offset_fetch_request::offset_fetch_request_group& request, bool require_stable) const;
    void offset_delete(const msg::offset_delete_request& request, callback<msg::offset_delete_response> done);
    bool has_pending_transactional_offsets(const std::string& group_id, const std::string& topic, int32_t partition) const {
        return pending.contains(group_id, topic, partition);
    }
    void topics_deleted(const std::vector<std::string>& topics);
    void schedule_retention();
    void expire_offsets();
    bool expire_group_offsets(const classic_group& g, int64_t now_ms, std::vector<offsets_record>& records,
                              std::vector<std::pair<std::string, int32_t>>& expired) const;

    // ---- transactional offsets (txn_offsets.cc) ----------------------------------------------
    void txn_offset_commit(int16_t version, msg::txn_offset_commit_request&& request,
                           callback<msg::txn_offset_commit_response> done);
    error_code validate_txn_offset_commit(const msg::txn_offset_commit_request& request);
    // Tombstones (appended to `records`) for the group's offsets pending in transactions that
    // have no committed offset (those get one anyway); returns every pending partition.
    std::vector<pending_offsets::topic_partition> tombstone_pending_offsets(const std::string& group_id,
                                                                           std::vector<offsets_record>& records) const;
    // A COMMIT/ABORT marker of the producer in the partition (written or replayed).
    void end_transaction(int32_t partition, int64_t producer_id, bool commit);
    // After a tombstone batch starting at `log_order` is durable: the pending offsets it
    // deletes go too (Kafka's replay of an offset tombstone).
    void erase_pending_before(const std::string& group_id, const std::string& topic, int32_t partition,
                              uint64_t log_order) {
        pending.erase(group_id, topic, partition, log_order);
    }

    // ---- KIP-848 consumer groups (consumer_heartbeat.cc, consumer_membership.cc) ------------
    std::map<std::string, std::unique_ptr<consumer_group>> consumer_groups; // never a key of `groups` too
    topics_snapshot topics = std::make_shared<const topics_snapshot::element_type>(); // the latest given
    // Operations on one consumer group run one at a time: each computes its records from the
    // group as the previous one left it, and gets `release` to call once it is answered.
    using consumer_op = std::function<void(std::function<void()> release)>;
    struct op_queue {
        bool running = false;
        std::deque<consumer_op> ops;
    };
    std::map<std::string, op_queue> consumer_queues;
    consumer_group* find_consumer_group(const std::string& group_id) noexcept;
    void enqueue_consumer_op(const std::string& group_id, consumer_op op);
    void run_next_consumer_op(const std::string& group_id);
    static std::string consumer_session_key(const std::string& group_id, const std::string& member_id);
    static std::string consumer_rebalance_key(const std::string& group_id, const std::string& member_id);

    using heartbeat_done = callback<msg::consumer_group_heartbeat_response>;
    void consumer_group_heartbeat(int16_t version, msg::consumer_group_heartbeat_request&& request,
                                  client_info&& client, heartbeat_done done, std::function<void()> release);
    void consumer_group_leave(const msg::consumer_group_heartbeat_request& request, heartbeat_done done,
                              std::function<void()> release);
    // Appends a change and, once durable, makes its group current (erasing a classic group it
    // replaced) and calls then(none); then(error) and nothing changed when the append fails.
    void commit_consumer_change(consumer_change&& change, bool replaces_classic, std::function<void(error_code)> then);
    // Kafka's consumerGroupFenceMember: the member's records are tombstoned, the group epoch bumped.
    void fence_consumer_member(consumer_change& change, const std::string& member_id);
    void subscription_changes(consumer_change& change, bool bump);
    void update_target_assignment(consumer_change& change);
    void schedule_consumer_session(const std::string& group_id, const std::string& member_id);
    void schedule_consumer_rebalance(const std::string& group_id, const std::string& member_id, int32_t epoch,
                                     int32_t timeout_ms);
    void expire_consumer_member(const std::string& group_id, const std::string& member_id,
                                std::optional<int32_t> epoch, const char* why);
    void cancel_consumer_timers(const std::string& group_id, const std::string& member_id);
    void drop_consumer_group(const std::string& group_id);
    msg::consumer_group_describe_response::described_group consumer_group_describe(const std::string& group_id) const;
    error_code validate_consumer_offset_commit(int16_t version, const consumer_group& g,
                                               const msg::offset_commit_request& request) const;
    void delete_consumer_group(consumer_group& g, callback<msg::delete_groups_response::deletable_group_result> done);
    void expire_consumer_offsets(const consumer_group& g, int64_t now_ms, std::vector<offsets_record>& records,
                                 std::vector<std::pair<std::string, int32_t>>& expired, bool& delete_group) const;

    // ---- describe, list, delete (group_admin.cc) --------------------------------------------
    msg::describe_groups_response::described_group describe_group(int16_t version, const std::string& group_id);
    void delete_group(const std::string& group_id, callback<msg::delete_groups_response::deletable_group_result> done);
    std::vector<msg::list_groups_response::listed_group> list_groups(const std::vector<std::string>& states,
                                                                     const std::vector<std::string>& types) const;

    // ---- loading (loading.cc) ---------------------------------------------------------------
    void replay(int32_t partition, int64_t producer_id, byte_view key, std::optional<byte_view> value);
    void replay_consumer_record(int32_t partition, const consumer_record& record);
    void complete_load(int32_t partition);
    void unload(int32_t partition);
};

} // namespace sluice::coordinator
