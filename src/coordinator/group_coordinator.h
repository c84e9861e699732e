#pragma once
// group_coordinator: Kafka's consumer groups (classic protocol and KIP-848) and committed offsets for the
// __consumer_offsets partitions one shard owns (DESIGN.md §7). One instance per shard; every
// call and every callback happens on that shard's thread. It does no I/O itself: records go to
// an `offsets_log` (the server appends them to __consumer_offsets-<p> and answers once they are
// durable), time and timers come from a `scheduler` (asio timers in the broker, a manual clock
// in tests). The server routes a group's requests here (partition_for) and converts between
// request versions; this class applies Kafka's rules (GroupMetadataManager / ClassicGroup,
// Kafka 4.0) and fills the response messages.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/scheduler.h"
#include "base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/generated/api_008_offset_commit.h"
#include "protocol/generated/api_009_offset_fetch.h"
#include "protocol/generated/api_011_join_group.h"
#include "protocol/generated/api_012_heartbeat.h"
#include "protocol/generated/api_013_leave_group.h"
#include "protocol/generated/api_014_sync_group.h"
#include "protocol/generated/api_015_describe_groups.h"
#include "protocol/generated/api_016_list_groups.h"
#include "protocol/generated/api_028_txn_offset_commit.h"
#include "protocol/generated/api_042_delete_groups.h"
#include "protocol/generated/api_047_offset_delete.h"
#include "protocol/generated/api_068_consumer_group_heartbeat.h"
#include "protocol/generated/api_069_consumer_group_describe.h"

namespace sluice::coordinator {

// The broker keys the coordinator applies (Kafka's names and defaults).
struct group_config {
    int32_t offsets_topic_partitions = 50;              // offsets.topic.num.partitions
    int32_t min_session_timeout_ms = 6'000;             // group.min.session.timeout.ms
    int32_t max_session_timeout_ms = 1'800'000;         // group.max.session.timeout.ms
    int32_t initial_rebalance_delay_ms = 3'000;         // group.initial.rebalance.delay.ms
    int32_t max_size = 2'147'483'647;                   // group.max.size
    int64_t offsets_retention_ms = 7LL * 24 * 3'600'000; // offsets.retention.minutes
    int64_t offsets_retention_check_interval_ms = 600'000; // offsets.retention.check.interval.ms
    int32_t offset_metadata_max_bytes = 4'096;          // offset.metadata.max.bytes
    // KIP-848 consumer groups.
    int32_t consumer_heartbeat_interval_ms = 5'000;     // group.consumer.heartbeat.interval.ms
    int32_t consumer_session_timeout_ms = 45'000;       // group.consumer.session.timeout.ms
    int32_t consumer_max_size = 2'147'483'647;          // group.consumer.max.size
    // group.consumer.assignors: the names of the server-side assignors offered, the first being
    // the default ("uniform", "range"; see assignors.h).
    std::vector<std::string> consumer_assignors = {"uniform", "range"};
};

// What a consumer group needs of the cluster's metadata: each topic's id and partition count by
// name. The server passes the image's current view with each ConsumerGroupHeartbeat and
// ConsumerGroupDescribe; the coordinator keeps the latest for its timers (a member fenced on
// expiry changes the group's subscribed topics). Immutable once made; shared across threads.
struct topic_metadata {
    uuid id;
    int32_t partition_count = 0;
};
using topics_snapshot = std::shared_ptr<const std::map<std::string, topic_metadata, std::less<>>>;

// The __consumer_offsets partition of a group: Kafka's abs(groupId.hashCode()) % partitions
// (Java String.hashCode over UTF-16 code units), so tools that compute it agree.
int32_t partition_for(std::string_view group_id, int32_t partitions) noexcept;

// Time and one-shot timers on the coordinator's shard (base/scheduler.h).
using scheduler = sluice::scheduler;

// One record of __consumer_offsets in Kafka's key/value format (record type int16 + key;
// value version int16 + value); no value = a tombstone.
struct offsets_record {
    byte_buffer key;
    std::optional<byte_buffer> value;
};

// Where the coordinator's records go. append() writes them as one batch to
// __consumer_offsets-<partition> and calls done on the coordinator's shard once they are
// durable (error_code::none) or failed (e.g. NOT_COORDINATOR, KAFKA_STORAGE_ERROR; the
// coordinator maps a failure to the error Kafka answers: COORDINATOR_NOT_AVAILABLE etc.).
// append_transactional() does the same with one transactional batch of the producer (KIP-98:
// TxnOffsetCommit); its records count only once a COMMIT marker of that producer follows them
// in the partition. Appends to one partition land in the order they are called.
class offsets_log {
public:
    virtual ~offsets_log() = default;
    virtual void append(int32_t partition, std::vector<offsets_record> records,
                        std::function<void(protocol::error_code)> done) = 0;
    virtual void append_transactional(int32_t partition, model::producer_id producer_id,
                                      model::producer_epoch producer_epoch, std::vector<offsets_record> records,
                                      std::function<void(protocol::error_code)> done) = 0;
};

// Who sent a JoinGroup (DescribeGroups shows it).
struct client_info {
    std::string client_id;
    std::string client_host; // "/127.0.0.1" as Kafka writes it
};

template <typename T>
using callback = std::function<void(T)>;

class group_coordinator {
public:
    group_coordinator(group_config config, scheduler& timers, offsets_log& log);
    ~group_coordinator();
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    // ---- Partitions this shard coordinates -------------------------------------------------
    // Becoming coordinator of __consumer_offsets-<partition>: begin_load, then replay() every
    // record of the partition in offset order (compacted or not), then complete_load. Requests
    // for its groups meanwhile get COORDINATOR_LOAD_IN_PROGRESS; for a partition never loaded
    // (or unloaded), NOT_COORDINATOR.
    void begin_load(int32_t partition);
    // A record Kafka or Sluice wrote (types 0, 1, 2; unknown types and undecodable records are
    // skipped and counted, never fatal). `producer_id`: the batch's when it is transactional,
    // else model::no_producer_id; a transactional offset commit stays pending until the
    // producer's marker is replayed.
    void replay(int32_t partition, model::producer_id producer_id, byte_view key, std::optional<byte_view> value);
    void replay(int32_t partition, byte_view key, std::optional<byte_view> value) {
        replay(partition, model::no_producer_id, key, value);
    }
    // A control batch's COMMIT (commit = true) or ABORT marker of the producer.
    void replay_end_txn(int32_t partition, model::producer_id producer_id, bool commit);
    void complete_load(int32_t partition);
    // No longer coordinator (partition deleted, shutdown): pending joins/syncs are answered
    // NOT_COORDINATOR, timers cancelled, state dropped.
    void unload(int32_t partition);
    bool loaded(int32_t partition) const noexcept;
    // Whether some partition is between begin_load and complete_load: ListGroups then answers
    // COORDINATOR_LOAD_IN_PROGRESS, as Kafka does (list_groups lists only loaded partitions).
    bool loading() const noexcept;
    // Records skipped by replay (undecodable or unknown type), for logs and tests.
    uint64_t skipped_records() const noexcept;

    // ---- Classic group protocol (the request already routed here by partition_for) --------
    // `version` is the request's; the response is filled for that version (e.g. KIP-394
    // MEMBER_ID_REQUIRED from v4, KIP-345 static members from v5). done() may run later
    // (join/sync barriers) and runs exactly once.
    void join_group(int16_t version, protocol::msg::join_group_request request, client_info client,
                    callback<protocol::msg::join_group_response> done);
    void sync_group(int16_t version, protocol::msg::sync_group_request request,
                    callback<protocol::msg::sync_group_response> done);
    void heartbeat(int16_t version, const protocol::msg::heartbeat_request& request,
                   callback<protocol::msg::heartbeat_response> done);
    void leave_group(int16_t version, const protocol::msg::leave_group_request& request,
                     callback<protocol::msg::leave_group_response> done);

    // ---- KIP-848 consumer groups ---------------------------------------------------------------
    // ConsumerGroupHeartbeat v0: joins (member epoch 0), heartbeats, acknowledges revocations
    // and leaves (-1; -2 for a static member's temporary leave). Operations on one consumer
    // group run one at a time, each after the previous one's records are durable.
    void consumer_group_heartbeat(int16_t version, protocol::msg::consumer_group_heartbeat_request request,
                                  client_info client, topics_snapshot topics,
                                  callback<protocol::msg::consumer_group_heartbeat_response> done);
    // One group of a ConsumerGroupDescribe (topic names from `topics`).
    void consumer_group_describe(int16_t version, const std::string& group_id, topics_snapshot topics,
                                 callback<protocol::msg::consumer_group_describe_response::described_group> done);

    // ---- Offsets ------------------------------------------------------------------------------
    // Topics/partitions that do not exist were already answered by the server
    // (UNKNOWN_TOPIC_OR_PARTITION) and removed from `request`.
    void offset_commit(int16_t version, protocol::msg::offset_commit_request request,
                       callback<protocol::msg::offset_commit_response> done);
    // One group of an OffsetFetch in the v8+ shape (the server converts v1-7); topics null =
    // every committed offset of the group. require_stable: pending (transactional) offsets
    // answer UNSTABLE_OFFSET_COMMIT.
    void offset_fetch(int16_t version, const protocol::msg::offset_fetch_request::offset_fetch_request_group& group,
                      bool require_stable, callback<protocol::msg::offset_fetch_response::offset_fetch_response_group> done);
    void offset_delete(int16_t version, const protocol::msg::offset_delete_request& request,
                       callback<protocol::msg::offset_delete_response> done);

    // ---- Transactional offsets (KIP-98) ------------------------------------------------------
    // TxnOffsetCommit v0-5 (topics that do not exist already answered by the server and
    // removed). The offsets are written as one transactional batch of the request's producer;
    // once durable the answer is given and they are pending: OffsetFetch does not show them
    // (require_stable answers UNSTABLE_OFFSET_COMMIT) until complete_transaction.
    void txn_offset_commit(int16_t version, protocol::msg::txn_offset_commit_request request,
                           callback<protocol::msg::txn_offset_commit_response> done);
    // The server appended a COMMIT (commit = true) or ABORT marker of the producer to
    // __consumer_offsets-<partition>: its pending offsets of that partition's groups become
    // committed (unless an offset of the same partition was written after them) or are dropped.
    // Nothing for a partition not loaded here (a later load replays the marker).
    void complete_transaction(int32_t partition, model::producer_id producer_id, bool commit);

    // ---- Groups -------------------------------------------------------------------------------
    // One group each; the server splits requests by coordinator and gathers the answers.
    void describe_group(int16_t version, const std::string& group_id,
                        callback<protocol::msg::describe_groups_response::described_group> done);
    void delete_group(int16_t version, const std::string& group_id,
                      callback<protocol::msg::delete_groups_response::deletable_group_result> done);
    // The groups of every loaded partition passing the filters (empty filter = all; states
    // compared case-insensitively as Kafka does).
    std::vector<protocol::msg::list_groups_response::listed_group>
    list_groups(int16_t version, const std::vector<std::string>& states_filter,
                const std::vector<std::string>& types_filter) const;

    // Committed offsets of a group (for lag: the server subtracts from high watermarks).
    struct committed_offset {
        std::string topic;
        int32_t partition = 0;
        int64_t offset = -1;
    };
    std::vector<committed_offset> committed_offsets(const std::string& group_id) const;

    // Topics deleted from the cluster: their committed offsets are removed (tombstones).
    void topics_deleted(const std::vector<std::string>& topics);

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace sluice::coordinator
