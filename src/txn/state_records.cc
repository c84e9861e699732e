#include "txn/state_records.h"

#include <map>
#include <vector>

#include "base/endian.h"
#include "protocol/generated/records_transaction_log.h"

namespace sluice::txn {

namespace msg = protocol::msg;

namespace {

byte_buffer with_prefix(int16_t prefix, const byte_buffer& body) {
    byte_buffer out(2);
    be::store<int16_t>(out.data(), prefix);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

byte_buffer key_bytes(const std::string& transactional_id) {
    msg::transaction_log_key key;
    key.transactional_id = transactional_id;
    return with_prefix(transaction_log_key_type, key.encode(0));
}

} // namespace

state_record transaction_record(const std::string& transactional_id, const txn_values& values, int16_t value_version) {
    msg::transaction_log_value v;
    v.producer_id = values.producer_id;
    v.producer_epoch = values.producer_epoch;
    v.transaction_timeout_ms = values.timeout_ms;
    v.transaction_status = static_cast<int8_t>(values.state);
    if (values.state == txn_state::empty) {
        v.transaction_partitions.reset();
    } else {
        for (const auto& tp : values.partitions) { // std::set: grouped by topic, ascending
            auto& topics = *v.transaction_partitions;
            if (topics.empty() || topics.back().topic != tp.topic) {
                topics.emplace_back();
                topics.back().topic = tp.topic;
            }
            topics.back().partition_ids.push_back(model::partition_id{tp.partition});
        }
    }
    v.transaction_last_update_timestamp_ms = values.last_update_timestamp_ms;
    v.transaction_start_timestamp_ms = values.start_timestamp_ms;
    v.client_transaction_version = values.client_transaction_version;
    return {key_bytes(transactional_id), with_prefix(value_version, v.encode(value_version))};
}

state_record transaction_tombstone(const std::string& transactional_id) {
    return {key_bytes(transactional_id), std::nullopt};
}

std::optional<decoded_transaction> decode_transaction_record(byte_view key, std::optional<byte_view> value) {
    if (key.size() < 2 || be::load<int16_t>(key.data()) != transaction_log_key_type) return std::nullopt;
    msg::transaction_log_key k;
    if (!k.decode(key.subspan(2), 0)) return std::nullopt;
    decoded_transaction out{std::move(k.transactional_id), std::nullopt};
    if (!value) return out;
    if (value->size() < 2) return std::nullopt;
    int16_t version = be::load<int16_t>(value->data());
    if (version < msg::transaction_log_value::min_version || version > msg::transaction_log_value::max_version)
        return std::nullopt;
    msg::transaction_log_value v;
    if (!v.decode(value->subspan(2), version)) return std::nullopt;
    auto state = state_from_id(v.transaction_status);
    if (!state) return std::nullopt;
    txn_values t;
    t.producer_id = v.producer_id;
    t.previous_producer_id = v.previous_producer_id;
    t.next_producer_id = v.next_producer_id;
    t.producer_epoch = v.producer_epoch;
    t.timeout_ms = v.transaction_timeout_ms;
    t.state = *state;
    // Kafka ignores the partitions of an Empty state.
    if (*state != txn_state::empty && v.transaction_partitions)
        for (const auto& topic : *v.transaction_partitions)
            for (auto p : topic.partition_ids) t.partitions.insert({topic.topic, p.value()});
    t.start_timestamp_ms = v.transaction_start_timestamp_ms;
    t.last_update_timestamp_ms = v.transaction_last_update_timestamp_ms;
    t.client_transaction_version = v.client_transaction_version;
    out.values = std::move(t);
    return out;
}

} // namespace sluice::txn
