#pragma once
// shard_partitions: the partitions one shard owns (broker_context::owner_of) and their logs:
// one storage::log_manager per shard over the shared log directory (DESIGN.md §2). It keeps
// the logs in step with the metadata image (reconcile: create logs of new partitions, delete
// those of deleted topics, apply changed topic configs), wakes long-polling fetches on append,
// and runs the periodic work: flush.ms and checkpoints, retention, compaction.
//
// Threads: everything on the owning shard's thread, except wake-ups, which are posted to the
// waiting fetch's shard.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <asio/steady_timer.hpp>

#include "cluster/metadata_image.h"
#include "cluster/topic_settings.h"
#include "net/smp.h"
#include "server/fetch_sessions.h"
#include "storage/log_manager.h"

namespace sluice::server {

struct broker_context;
class group_shard;
class txn_shard;
class producer_id_pool;

// A long-polling fetch waiting on its own shard; an append on another shard wakes it with
// wake(), posted to the fetch's shard.
struct fetch_wakeup {
    explicit fetch_wakeup(asio::any_io_executor executor) : timer(std::move(executor)) {}
    // On the fetch's shard. Sticky: a wake that arrives after the fetch registered but before
    // it started waiting (its read is still on the way back from the owner shard) must not be
    // lost, so the fetch checks `woken` before it waits.
    void wake() {
        woken = true;
        timer.cancel();
    }
    asio::steady_timer timer;
    bool woken = false;            // the fetch's shard only
    std::atomic<bool> done{false}; // set by the fetch when it stops waiting
};

struct partition {
    storage::topic_partition tp;
    uuid topic_id;
    storage::partition_log* log = nullptr; // owned by the shard's log_manager
    cluster::topic_settings settings;
    storage::properties overrides;
    std::vector<std::pair<net::shard_id, std::shared_ptr<fetch_wakeup>>> waiters;
    model::offset first_dirty{0}; // compaction progress (not persisted: a restart re-reads)
    // Single replica: the high watermark is the log end offset.
    model::offset high_watermark() const noexcept { return log->log->log_end_offset(); }
};

class shard_partitions {
public:
    shard_partitions(net::shard_id shard, const broker_context& ctx, storage::file_system& fs,
                     const storage::clock& clock, storage::log_dir_config dir);
    ~shard_partitions();

    // On the shard: opens this shard's logs in the directory.
    storage::storage_errc open(bool clean_shutdown);
    // Brings the logs in line with `image`.
    void reconcile(const cluster::image_ptr& image);
    // The partition if this shard owns it and the current image has it (nullptr otherwise).
    partition* find(std::string_view topic, int32_t index);
    // As find(), without first catching up with a newer image (for callers inside reconcile).
    partition* lookup(std::string_view topic, int32_t index);
    // After an append: wakes the fetches waiting on the partition.
    void appended(partition& p);
    void add_waiter(partition& p, net::shard_id shard, std::shared_ptr<fetch_wakeup> wakeup);

    // Shutdown, before the listener drains connections (which waits for requests in flight):
    // long polls answer at once with what they have instead of at their deadline. Call
    // stop_long_polls() on every shard, then wake_waiters() on every shard, so that a woken
    // fetch finds waiting refused on its own shard and does not wait again.
    void stop_long_polls() noexcept { _long_polls_stopped = true; }
    bool long_polls_stopped() const noexcept { return _long_polls_stopped; }
    void wake_waiters();

    // Periodic work (every second): flush.ms syncs and checkpoints; retention every
    // log.retention.check.interval.ms; compaction every log.cleaner.backoff.ms.
    void tick();
    // Clean shutdown of this shard's logs (the caller writes the marker once all shards did).
    storage::storage_errc shutdown();

    storage::log_manager& logs() noexcept { return *_logs; }
    const std::map<storage::topic_partition, partition>& partitions() const noexcept { return _partitions; }
    net::shard_id shard() const noexcept { return _shard; }
    // The group coordinator of the __consumer_offsets partitions this shard owns (after open()).
    group_shard& groups() noexcept { return *_groups; }
    // The transaction coordinator of the __transaction_state partitions this shard owns (after open()).
    txn_shard& txns() noexcept { return *_txns; }
    // Producer ids for InitProducerId, in blocks from the controller (after open()).
    producer_id_pool& producer_ids() noexcept { return *_producer_ids; }
    // Fetch sessions of the connections on this shard.
    fetch_sessions& sessions() noexcept { return _sessions; }

private:
    void reconcile_logs(const cluster::image_ptr& image);
    void remove(std::map<storage::topic_partition, partition>::iterator it);

    net::shard_id _shard;
    const broker_context& _ctx;
    storage::file_system& _fs;
    const storage::clock& _clock;
    storage::log_dir_config _dir;
    std::unique_ptr<storage::log_manager> _logs;
    std::map<storage::topic_partition, partition> _partitions;
    cluster::image_ptr _image; // the last image reconciled
    int64_t _last_retention_ms = 0;
    int64_t _last_cleaning_ms = 0;
    int64_t _last_producer_expiry_ms = 0;
    fetch_sessions _sessions;
    bool _long_polls_stopped = false;
    std::unique_ptr<group_shard> _groups;
    std::unique_ptr<txn_shard> _txns; // uses _groups (markers in __consumer_offsets) and _producer_ids
    std::unique_ptr<producer_id_pool> _producer_ids;
};

} // namespace sluice::server
