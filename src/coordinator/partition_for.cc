// partition_for: the __consumer_offsets partition of a group, as Kafka computes it.
#include "coordinator/group_coordinator.h"

#include "base/java_hash.h"

namespace sluice::coordinator {

int32_t partition_for(std::string_view group_id, int32_t partitions) noexcept {
    return java_hash_partition(group_id, partitions);
}

} // namespace sluice::coordinator
