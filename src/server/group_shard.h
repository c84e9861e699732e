#pragma once
// group_shard: a shard's group coordinator wired to the broker (DESIGN.md §7). It owns the
// shard's coordinator::group_coordinator and gives it
// - a scheduler: wall-clock time and asio timers on the shard's loop (shard_scheduler.h);
// - an offsets_log: records appended as one uncompressed batch to __consumer_offsets-<p> (a
//   partition this shard owns; transactional for TxnOffsetCommit), answered once fdatasync made
//   them durable;
// and keeps its partitions in step with the metadata: after each reconcile, partitions of
// __consumer_offsets the shard now owns are loaded (every record replayed, in offset order, with
// the producer id of transactional batches, and transaction markers) and
// those it lost are unloaded; committed offsets of deleted topics are dropped.
//
// Threads: the owning shard's only.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "cluster/metadata_image.h"
#include "coordinator/group_coordinator.h"
#include "protocol/record_batch_builder.h"
#include "server/shard_scheduler.h"
#include "storage/log_settings.h"

namespace sluice::server {

class shard_partitions;
struct partition;

// Kafka's name for the offsets topic (Topic.GROUP_METADATA_TOPIC_NAME).
inline constexpr std::string_view consumer_offsets_topic = "__consumer_offsets";

// The coordinator settings from the broker's properties (group.*, offsets.*, offset.*).
coordinator::group_config group_config_from(const storage::properties& properties);

class group_shard final : public coordinator::offsets_log {
public:
    group_shard(shard_partitions& shard, asio::any_io_executor executor, coordinator::group_config config);
    ~group_shard() override;

    coordinator::group_coordinator& coordinator() noexcept { return *_coordinator; }
    // Whether this shard coordinates (has loaded) __consumer_offsets-<partition>.
    bool coordinates(int32_t partition) const noexcept { return _loaded.contains(partition); }

    // After shard_partitions::reconcile(image).
    void reconcile(const cluster::image_ptr& image);
    // Before the logs close: every partition unloaded, timers cancelled.
    void shutdown();

    // coordinator::offsets_log
    void append(int32_t partition, std::vector<coordinator::offsets_record> records,
                std::function<void(protocol::error_code)> done) override;
    // KIP-98 TxnOffsetCommit: one transactional batch with the producer's id and epoch and base
    // sequence 0, as Kafka 4.0's coordinator runtime writes it.
    void append_transactional(int32_t partition, model::producer_id producer_id, model::producer_epoch producer_epoch,
                              std::vector<coordinator::offsets_record> records,
                              std::function<void(protocol::error_code)> done) override;

    // The marker writer appended a COMMIT (commit = true) or ABORT marker of the producer to
    // __consumer_offsets-<partition>: the producer's pending transactional offsets there are
    // committed or dropped. Call right after the append, on this shard.
    void complete_transaction(int32_t partition, model::producer_id producer_id, bool commit);

private:
    void load(int32_t index, partition& p);
    void replay_control_batch(int32_t index, const protocol::record_batch_view& batch);
    void append_batch(int32_t index, const protocol::batch_builder_options& options,
                      std::vector<coordinator::offsets_record> records, std::function<void(protocol::error_code)> done);

    shard_partitions& _shard;
    asio::any_io_executor _executor;
    shard_scheduler _scheduler; // outlives the coordinator, whose timers it holds
    std::unique_ptr<coordinator::group_coordinator> _coordinator;
    std::set<int32_t> _loaded;
    std::set<std::string, std::less<>> _topics; // the last image's topic names
    bool _stopped = false;
};

} // namespace sluice::server
