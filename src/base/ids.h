#pragma once
// Strong types for the ids and numbers of Kafka's model. Each is its wire integer inside.
#include "base/strong_type.h"

namespace sluice::model {

using offset = strong_type<int64_t, struct offset_tag>;
using partition_id = strong_type<int32_t, struct partition_id_tag>;
using node_id = strong_type<int32_t, struct node_id_tag>;
using producer_id = strong_type<int64_t, struct producer_id_tag>;
using producer_epoch = strong_type<int16_t, struct producer_epoch_tag>;
using leader_epoch = strong_type<int32_t, struct leader_epoch_tag>;

// Kafka's "none" values.
inline constexpr offset no_offset{-1};
inline constexpr node_id no_node{-1};
inline constexpr producer_id no_producer_id{-1};
inline constexpr producer_epoch no_producer_epoch{-1};
inline constexpr leader_epoch no_leader_epoch{-1};

} // namespace sluice::model
