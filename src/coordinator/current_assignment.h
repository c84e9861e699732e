#pragma once
// Reconciling one consumer group member with its target assignment (KIP-848; Kafka 4.0's
// CurrentAssignmentBuilder). A member moves to a new epoch only once it no longer owns the
// partitions the target takes away from it (state UNREVOKED_PARTITIONS until then), and it is
// given a partition of its target only once the partition's previous owner released it (state
// UNRELEASED_PARTITIONS while some are still held). Pure function; any thread.
#include <cstdint>
#include <functional>
#include <optional>

#include "coordinator/consumer_group.h"

namespace sluice::coordinator {

// The epoch of the member owning a partition, -1 when none does.
using partition_epoch_fn = std::function<int32_t(const uuid& topic, int32_t partition)>;

// The member after one reconciliation step towards (target_epoch, target). `owned` is what the
// member reported owning in this heartbeat (nullopt: not reported, so it may still own anything).
// Returns the member unchanged when nothing can progress.
consumer_member reconcile(const consumer_member& member, int32_t target_epoch, const topic_partitions& target,
                          const partition_epoch_fn& partition_epoch, const std::optional<topic_partitions>& owned);

} // namespace sluice::coordinator
