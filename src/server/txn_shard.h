#pragma once
// txn_shard: a shard's transaction coordinator wired to the broker (DESIGN.md §7). It owns the
// shard's txn::transaction_coordinator and gives it
// - a scheduler: wall-clock time and asio timers on the shard's loop (shard_scheduler.h);
// - a state_log: records appended as one uncompressed batch to __transaction_state-<p> (a
//   partition this shard owns), answered once fdatasync made them durable;
// - a producer_id_source: the shard's producer_id_pool (blocks from the controller);
// - a marker_writer: each partition's COMMIT/ABORT marker appended on the shard owning the
//   partition (storage::log::append_marker), made durable, fetches woken, and for
//   __consumer_offsets partitions the group coordinator told (group_shard::complete_transaction);
//   the per-partition errors come back to this shard;
// and keeps its partitions in step with the metadata: after each reconcile, partitions of
// __transaction_state the shard now owns are loaded (every record replayed in offset order, at
// the partition's leader epoch as coordinator epoch) and those it lost are unloaded.
//
// Threads: the owning shard's only, except the marker work, which runs on the partitions'
// owners (explicit posts) and answers back here.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "cluster/metadata_image.h"
#include "server/shard_scheduler.h"
#include "storage/log_settings.h"
#include "txn/transaction_coordinator.h"

namespace sluice::server {

struct broker_context;
class shard_partitions;
struct partition;

// Kafka's name for the transaction log (Topic.TRANSACTION_STATE_TOPIC_NAME).
inline constexpr std::string_view transaction_state_topic = "__transaction_state";

// The coordinator settings from the broker's properties (transaction.*, transactional.id.*;
// offsets.topic.num.partitions for AddOffsetsToTxn).
txn::txn_config txn_config_from(const storage::properties& properties);

class txn_shard final : public txn::state_log, public txn::producer_id_source, public txn::marker_writer {
public:
    txn_shard(shard_partitions& shard, const broker_context& ctx, asio::any_io_executor executor, txn::txn_config config);
    ~txn_shard() override;

    txn::transaction_coordinator& coordinator() noexcept { return *_coordinator; }
    // Whether this shard coordinates (has loaded) __transaction_state-<partition>.
    bool coordinates(int32_t partition) const noexcept { return _loaded.contains(partition); }

    // After shard_partitions::reconcile(image).
    void reconcile(const cluster::image_ptr& image);
    // Before the logs close: every partition unloaded; later callbacks change nothing.
    void shutdown();

    // txn::state_log
    void append(int32_t partition, std::vector<txn::state_record> records,
                std::function<void(protocol::error_code)> done) override;
    // txn::producer_id_source
    void next_producer_id(std::function<void(protocol::error_code, model::producer_id)> done) override;
    // txn::marker_writer
    void write_markers(txn::marker_request request,
                       std::function<void(std::vector<std::pair<txn::topic_partition, protocol::error_code>>)> done) override;

private:
    void load(int32_t index, partition& p, int32_t coordinator_epoch);

    shard_partitions& _shard;
    const broker_context& _ctx;
    asio::any_io_executor _executor;
    shard_scheduler _scheduler; // outlives the coordinator, whose timers it holds
    std::unique_ptr<txn::transaction_coordinator> _coordinator;
    std::set<int32_t> _loaded;
    bool _stopped = false;
};

} // namespace sluice::server
