#pragma once
// Control records (KIP-98): the single record of a control batch. Its key is
// [int16 version][int16 type]; for transaction markers (abort/commit) its value is
// [int16 version][int32 coordinator_epoch].
#include <array>
#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace sluice::protocol {

// Kafka's ControlRecordType ids. Other ids may appear (newer KRaft records) and are kept as
// they are; only abort and commit have meaning for partition logs.
enum class control_record_type : int16_t {
    abort = 0,
    commit = 1,
    leader_change = 2,
    snapshot_header = 3,
    snapshot_footer = 4,
    kraft_version = 5,
    kraft_voters = 6,
};

struct control_key {
    int16_t version = 0;
    control_record_type type = control_record_type::abort;
};

struct end_txn_marker {
    int16_t version = 0;
    int32_t coordinator_epoch = 0;
};

inline constexpr size_t control_key_bytes = 4;
inline constexpr size_t end_txn_marker_bytes = 6;

// Kafka (ControlRecordType.parseTypeId): at least 4 bytes and a non-negative version; bytes
// after the type belong to newer versions and are ignored. False for a null or short key.
bool parse_control_key(std::optional<byte_view> key, control_key& out) noexcept;
// The same rules for an EndTxnMarker value.
bool parse_end_txn_marker(std::optional<byte_view> value, end_txn_marker& out) noexcept;

std::array<uint8_t, control_key_bytes> encode_control_key(control_record_type type) noexcept;
std::array<uint8_t, end_txn_marker_bytes> encode_end_txn_marker(int32_t coordinator_epoch) noexcept;

} // namespace sluice::protocol
