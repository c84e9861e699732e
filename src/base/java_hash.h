#pragma once
// Java's String.hashCode, for the partitions Kafka derives from a string (a group's
// __consumer_offsets partition, a transactional id's __transaction_state partition), so that
// tools computing them agree with us.
#include <cstdint>
#include <string_view>

namespace sluice {

// String.hashCode of the string Java decodes from these UTF-8 bytes (UTF-16 code units;
// malformed bytes become U+FFFD, as Java's decoder replaces them).
int32_t java_string_hash(std::string_view utf8) noexcept;

// Kafka's Utils.abs(s.hashCode()) % partitions (partitions > 0).
int32_t java_hash_partition(std::string_view key, int32_t partitions) noexcept;

} // namespace sluice
