#pragma once
// How the coordinators use their internal partitions (DESIGN.md §7; group_shard:
// __consumer_offsets, txn_shard: __transaction_state): append_durably writes a batch of records
// and answers once it is on disk; replay_log reads every batch back, in offset order, when the
// shard becomes the partition's coordinator.
//
// Threads: the shard owning the partition.
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "base/bytes.h"
#include "protocol/error_code.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "storage/log.h"

namespace sluice::server {

class shard_partitions;
struct partition;

// One record of a coordinator's batch; no value = a tombstone.
struct internal_record {
    byte_view key;
    std::optional<byte_view> value;
};

// Builds one batch of `records` (options: uncompressed, or a producer's transactional batch),
// appends it to `p`, wakes its fetches and posts done(error) to `executor` once the batch is
// durable (KAFKA_STORAGE_ERROR when the append or the sync failed, UNKNOWN_SERVER_ERROR when
// the batch cannot be built).
void append_durably(shard_partitions& shard, partition& p, const protocol::batch_builder_options& options,
                    const std::vector<internal_record>& records, int64_t now_ms, asio::any_io_executor executor,
                    std::function<void(protocol::error_code)> done);

// fn(batch, records): records is the batch's records section, decompressed (a batch that does
// not decompress is logged and skipped). Reading stops at the first read error (logged):
// the caller replays what came before, as Kafka's loader does with a truncated read.
void replay_log(storage::log& log, std::string_view name,
                const std::function<void(const protocol::record_batch_view& batch, byte_view records)>& fn);

// After a reconcile: the partitions of `topic` the shard owns now. Those in `loaded` it no
// longer owns are passed to unload() and removed from `loaded`.
std::set<int32_t> owned_partitions(shard_partitions& shard, std::string_view topic, std::set<int32_t>& loaded,
                                   const std::function<void(int32_t)>& unload);

} // namespace sluice::server
