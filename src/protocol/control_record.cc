#include "protocol/control_record.h"

#include "base/endian.h"

namespace sluice::protocol {

namespace {
constexpr int16_t current_version = 0;
} // namespace

bool parse_control_key(std::optional<byte_view> key, control_key& out) noexcept {
    if (!key || key->size() < control_key_bytes) return false;
    out.version = be::load<int16_t>(key->data());
    if (out.version < 0) return false;
    out.type = static_cast<control_record_type>(be::load<int16_t>(key->data() + 2));
    return true;
}

bool parse_end_txn_marker(std::optional<byte_view> value, end_txn_marker& out) noexcept {
    if (!value || value->size() < end_txn_marker_bytes) return false;
    out.version = be::load<int16_t>(value->data());
    if (out.version < 0) return false;
    out.coordinator_epoch = be::load<int32_t>(value->data() + 2);
    return true;
}

std::array<uint8_t, control_key_bytes> encode_control_key(control_record_type type) noexcept {
    std::array<uint8_t, control_key_bytes> out{};
    be::store<int16_t>(out.data(), current_version);
    be::store<int16_t>(out.data() + 2, static_cast<int16_t>(type));
    return out;
}

std::array<uint8_t, end_txn_marker_bytes> encode_end_txn_marker(int32_t coordinator_epoch) noexcept {
    std::array<uint8_t, end_txn_marker_bytes> out{};
    be::store<int16_t>(out.data(), current_version);
    be::store<int32_t>(out.data() + 2, coordinator_epoch);
    return out;
}

} // namespace sluice::protocol
