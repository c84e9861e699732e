#include "coordinator/offsets_records.h"

#include "base/endian.h"

namespace sluice::coordinator {

namespace msg = protocol::msg;

byte_buffer with_prefix(int16_t prefix, const byte_buffer& body) {
    byte_buffer out(2);
    be::store<int16_t>(out.data(), prefix);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

namespace {

byte_buffer offset_key(const std::string& group, const std::string& topic, int32_t partition) {
    msg::offset_commit_key key;
    key.group = group;
    key.topic = topic;
    key.partition = model::partition_id{partition};
    return with_prefix(offset_commit_type, key.encode(0));
}

} // namespace

offsets_record offset_commit_record(const std::string& group, const std::string& topic, int32_t partition,
                                    const offset_and_metadata& value) {
    msg::offset_commit_value v;
    v.offset = model::offset{value.offset};
    v.leader_epoch = model::leader_epoch{value.leader_epoch};
    v.metadata = value.metadata;
    v.commit_timestamp = value.commit_timestamp_ms;
    v.expire_timestamp = value.expire_timestamp_ms.value_or(-1);
    // Kafka 4.0: v1 only to carry an explicit expire timestamp, v3 otherwise.
    int16_t version = value.expire_timestamp_ms ? offset_commit_value_version_with_expiry : offset_commit_value_version;
    return {offset_key(group, topic, partition), with_prefix(version, v.encode(version))};
}

offsets_record offset_tombstone(const std::string& group, const std::string& topic, int32_t partition) {
    return {offset_key(group, topic, partition), std::nullopt};
}

offsets_record group_metadata_record(const std::string& group, const msg::group_metadata_value& value) {
    msg::group_metadata_key key;
    key.group = group;
    return {with_prefix(group_metadata_type, key.encode(0)),
            with_prefix(group_metadata_value_version, value.encode(group_metadata_value_version))};
}

offsets_record group_tombstone(const std::string& group) {
    msg::group_metadata_key key;
    key.group = group;
    return {with_prefix(group_metadata_type, key.encode(0)), std::nullopt};
}

namespace {

decoded_record decode_offset(byte_view key, std::optional<byte_view> value) {
    msg::offset_commit_key k; // type 0 and type 1 keys have the same fields
    if (!k.decode(key, 0)) return {};
    decoded_offset out{std::move(k.group), std::move(k.topic), k.partition.value(), std::nullopt};
    if (!value) return out;
    if (value->size() < 2) return {};
    int16_t version = be::load<int16_t>(value->data());
    if (version < msg::offset_commit_value::min_version || version > msg::offset_commit_value::max_version) return {};
    msg::offset_commit_value v;
    if (!v.decode(value->subspan(2), version)) return {};
    offset_and_metadata o;
    o.offset = v.offset.value();
    o.leader_epoch = v.leader_epoch.value();
    o.metadata = std::move(v.metadata);
    o.commit_timestamp_ms = v.commit_timestamp;
    if (version == 1 && v.expire_timestamp != -1) o.expire_timestamp_ms = v.expire_timestamp;
    out.value = std::move(o);
    return out;
}

decoded_record decode_group(byte_view key, std::optional<byte_view> value) {
    msg::group_metadata_key k;
    if (!k.decode(key, 0)) return {};
    decoded_group out{std::move(k.group), std::nullopt, 0};
    if (!value) return out;
    if (value->size() < 2) return {};
    int16_t version = be::load<int16_t>(value->data());
    if (version < msg::group_metadata_value::min_version || version > msg::group_metadata_value::max_version) return {};
    msg::group_metadata_value v;
    if (!v.decode(value->subspan(2), version)) return {};
    out.value = std::move(v);
    out.value_version = version;
    return out;
}

} // namespace

decoded_record decode_record(byte_view key, std::optional<byte_view> value) {
    if (key.size() < 2) return {};
    int16_t type = be::load<int16_t>(key.data());
    byte_view rest = key.subspan(2);
    switch (type) {
    case legacy_offset_commit_type:
    case offset_commit_type: return decode_offset(rest, value);
    case group_metadata_type: return decode_group(rest, value);
    default:
        if (auto r = decode_consumer_record(type, rest, value)) return std::move(*r);
        return {};
    }
}

} // namespace sluice::coordinator
