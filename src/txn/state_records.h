#pragma once
// state_records: building and reading __transaction_state records
// (docs/formats/transaction_state.md). Pure functions; safe from any thread.
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "txn/transaction_metadata.h"

namespace sluice::txn {

// The key's leading int16: the record type (Kafka's CoordinatorRecordType TRANSACTION_LOG).
inline constexpr int16_t transaction_log_key_type = 0;

// Kafka writes: the key, and the value at `value_version` (0 or 1). The partitions are grouped
// by topic (topics and partitions ascending); an Empty state writes a null partition array.
// Memory-only fields (last epoch) and, as Kafka 4.0, the previous/next producer id tags are
// not written.
state_record transaction_record(const std::string& transactional_id, const txn_values& values, int16_t value_version);
state_record transaction_tombstone(const std::string& transactional_id);

struct decoded_transaction {
    std::string transactional_id;
    std::optional<txn_values> values; // nullopt: a tombstone
};
// nullopt: an unknown key type or value version, or bytes that do not decode.
std::optional<decoded_transaction> decode_transaction_record(byte_view key, std::optional<byte_view> value);

} // namespace sluice::txn
