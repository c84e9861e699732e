#include "e2e/raw_requests.h"

#include <chrono>

#include "protocol/generated/api_000_produce.h"
#include "protocol/generated/api_002_list_offsets.h"
#include "protocol/generated/api_019_create_topics.h"
#include "protocol/record_batch_builder.h"

namespace sluice::e2e {

using namespace std::chrono_literals;
using net::testing::test_client;
namespace msg = protocol::msg;
using protocol::error_code;

void PrintTo(const listed_offset& l, std::ostream* os) {
    *os << "{" << protocol::name(l.error) << ", ts " << l.timestamp << ", offset " << l.offset << "}";
}

listed_offset list_offset(uint16_t port, const std::string& topic, int32_t partition, int64_t timestamp) {
    test_client client(port);
    msg::list_offsets_request req;
    req.replica_id = model::node_id{-1};
    auto& t = req.topics.emplace_back();
    t.name = topic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = model::partition_id{partition};
    p.timestamp = timestamp;
    auto resp = round_trip<msg::list_offsets_response>(client, req, 7);
    if (!resp || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1)
        return {error_code::unknown_server_error, -2, -2};
    const auto& out = resp->topics[0].partitions[0];
    return {out.error_code, out.timestamp, out.offset.value()};
}

error_code create_topic(uint16_t port, const std::string& topic, int32_t partitions) {
    test_client client(port);
    msg::create_topics_request req;
    auto& t = req.topics.emplace_back();
    t.name = topic;
    t.num_partitions = partitions;
    t.replication_factor = 1;
    auto resp = round_trip<msg::create_topics_response>(client, req, 7);
    if (!resp || resp->topics.size() != 1) return error_code::unknown_server_error;
    if (resp->topics[0].error_code != error_code::none) return resp->topics[0].error_code;
    for (int32_t p = 0; p < partitions; ++p) {
        if (!net::testing::eventually([&] { return list_offset(port, topic, p, -1).error == error_code::none; }, 20s))
            return list_offset(port, topic, p, -1).error;
    }
    return error_code::none;
}

byte_buffer make_batch(int count, size_t value_bytes, char fill) {
    protocol::record_batch_builder builder(protocol::batch_builder_options{});
    const std::string value(value_bytes, fill);
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 0; i < count; ++i) {
        const std::string key = "k" + std::to_string(i);
        builder.append({.timestamp_ms = now, .key = as_bytes(key), .value = as_bytes(value)});
    }
    return builder.build().bytes;
}

std::string produce_frame(const std::string& topic, const std::vector<std::pair<int32_t, byte_view>>& batches,
                          int16_t acks, int32_t correlation_id) {
    msg::produce_request req;
    req.acks = acks;
    req.timeout_ms = 30000;
    auto& t = req.topic_data.emplace_back();
    t.name = topic;
    for (const auto& [partition, batch] : batches) {
        auto& p = t.partition_data.emplace_back();
        p.index = model::partition_id{partition};
        p.records = protocol::records_view{batch};
    }
    return request_frame(req, 9, correlation_id);
}

} // namespace sluice::e2e
