#pragma once
// topic_partition: a partition of a topic as the commands name and print it (group offsets,
// transactions' partitions). Plain value, ordered by topic then partition.
#include <compare>
#include <cstdint>
#include <string>

namespace sluice::cli {

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
};

} // namespace sluice::cli
