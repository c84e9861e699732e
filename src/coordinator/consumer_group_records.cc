#include "coordinator/consumer_group_records.h"

#include "base/endian.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace msg = protocol::msg;

namespace {

// Types 3, 4 and 6 are keyed by group; 5, 7 and 8 by group and member.
template <typename Key>
byte_buffer group_key(int16_t type, const consumer_record& r) {
    Key k;
    k.group_id = r.group_id;
    return with_prefix(type, k.encode(0));
}

template <typename Key>
byte_buffer member_key(int16_t type, const consumer_record& r) {
    Key k;
    k.group_id = r.group_id;
    k.member_id = r.member_id;
    return with_prefix(type, k.encode(0));
}

byte_buffer key_of(const consumer_record& r) {
    switch (r.type) {
    case consumer_group_metadata_type: return group_key<msg::consumer_group_metadata_key>(r.type, r);
    case consumer_group_partition_metadata_type: return group_key<msg::consumer_group_partition_metadata_key>(r.type, r);
    case consumer_group_member_metadata_type: return member_key<msg::consumer_group_member_metadata_key>(r.type, r);
    case consumer_group_target_assignment_metadata_type:
        return group_key<msg::consumer_group_target_assignment_metadata_key>(r.type, r);
    case consumer_group_target_assignment_member_type:
        return member_key<msg::consumer_group_target_assignment_member_key>(r.type, r);
    case consumer_group_current_member_assignment_type:
        return member_key<msg::consumer_group_current_member_assignment_key>(r.type, r);
    default: return {};
    }
}

template <typename Key>
bool decode_key(byte_view body, consumer_record& out) {
    Key k;
    if (!k.decode(body, 0)) return false;
    out.group_id = std::move(k.group_id);
    if constexpr (requires { k.member_id; }) out.member_id = std::move(k.member_id);
    return true;
}

template <typename Value>
bool decode_value(std::optional<byte_view> value, consumer_record& out) {
    if (!value) return true; // tombstone
    if (value->size() < 2) return false;
    int16_t version = be::load<int16_t>(value->data());
    if (version < Value::min_version || version > Value::max_version) return false;
    Value v;
    if (!v.decode(value->subspan(2), version)) return false;
    out.value = std::move(v);
    return true;
}

template <typename Key, typename Value>
std::optional<consumer_record> decode_as(int16_t type, byte_view key, std::optional<byte_view> value) {
    consumer_record out;
    out.type = type;
    if (!decode_key<Key>(key, out) || !decode_value<Value>(value, out)) return std::nullopt;
    return out;
}

} // namespace

offsets_record encode(const consumer_record& record) {
    offsets_record out;
    out.key = key_of(record);
    if (record.value) out.value = std::visit([](const auto& v) { return with_prefix(0, v.encode(0)); }, *record.value);
    return out;
}

std::optional<consumer_record> decode_consumer_record(int16_t type, byte_view key, std::optional<byte_view> value) {
    switch (type) {
    case consumer_group_metadata_type:
        return decode_as<msg::consumer_group_metadata_key, msg::consumer_group_metadata_value>(type, key, value);
    case consumer_group_partition_metadata_type:
        return decode_as<msg::consumer_group_partition_metadata_key, msg::consumer_group_partition_metadata_value>(
            type, key, value);
    case consumer_group_member_metadata_type:
        return decode_as<msg::consumer_group_member_metadata_key, msg::consumer_group_member_metadata_value>(type, key,
                                                                                                            value);
    case consumer_group_target_assignment_metadata_type:
        return decode_as<msg::consumer_group_target_assignment_metadata_key,
                         msg::consumer_group_target_assignment_metadata_value>(type, key, value);
    case consumer_group_target_assignment_member_type:
        return decode_as<msg::consumer_group_target_assignment_member_key,
                         msg::consumer_group_target_assignment_member_value>(type, key, value);
    case consumer_group_current_member_assignment_type:
        return decode_as<msg::consumer_group_current_member_assignment_key,
                         msg::consumer_group_current_member_assignment_value>(type, key, value);
    default: return std::nullopt;
    }
}

} // namespace sluice::coordinator
