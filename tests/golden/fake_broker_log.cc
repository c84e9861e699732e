// The fake broker's partition logs: Produce appends, Fetch and ListOffsets read.
#include <algorithm>
#include <list>

#include "golden/fake_broker.h"
#include "golden/fake_broker_util.h"
#include "protocol/generated/all_messages.h"
#include "protocol/record_batch.h"

namespace sluice::golden {

namespace msg = protocol::msg;
using protocol::error_code;

namespace {

// An empty Fetch is held this long at most (clients wait fetch.wait.max.ms, 500 by default),
// so an idle consumer polls a few times a second rather than spinning.
constexpr std::chrono::milliseconds fetch_wait_max{200};

// Appends the batches in `records` to `log` with the next base offsets; returns the first
// batch's base offset, or an error for records that are not whole v2 batches.
error_code append(const protocol::records_view& records, std::vector<protocol::bytes_value>& batches,
                  int64_t& end_offset, int64_t& base_offset) {
    std::vector<protocol::record_batch_view> views;
    if (protocol::split_batches(records.data, views).error != protocol::batch_error::none || views.empty())
        return error_code::corrupt_message;
    base_offset = end_offset;
    for (const protocol::record_batch_view& view : views) {
        protocol::bytes_value copy(view.bytes().begin(), view.bytes().end());
        protocol::mutable_record_batch(copy).set_base_offset(model::offset(end_offset));
        end_offset += view.last_offset_delta() + 1;
        batches.push_back(std::move(copy));
    }
    return error_code::none;
}

} // namespace

handler_reply fake_broker::produce(const inbound_request& request) {
    auto decoded = decode_request<msg::produce_request>(request);
    if (!decoded) return handler_reply::close();
    msg::produce_response response;
    for (const auto& topic_data : decoded->topic_data) {
        topic_named(topic_data.name); // a producer may skip Metadata for a known topic
        auto& topic_out = response.responses.emplace_back();
        topic_out.name = topic_data.name;
        for (const auto& partition_data : topic_data.partition_data) {
            auto& out = topic_out.partition_responses.emplace_back();
            out.index = partition_data.index;
            out.log_start_offset = model::offset(0);
            partition_log* log = find_partition(topic_data.name, partition_data.index.value());
            int64_t base_offset = -1;
            if (log == nullptr) out.error_code = error_code::unknown_topic_or_partition;
            else if (!partition_data.records) out.error_code = error_code::corrupt_message;
            else out.error_code = append(*partition_data.records, log->batches, log->end_offset, base_offset);
            out.base_offset = model::offset(base_offset);
        }
    }
    if (decoded->acks == 0) return handler_reply::none(); // acks=0: the client expects no answer
    return reply_with(response, request);
}

handler_reply fake_broker::fetch(const inbound_request& request) {
    auto decoded = decode_request<msg::fetch_request>(request);
    if (!decoded) return handler_reply::close();
    msg::fetch_response response;
    // The records views point into these buffers (a list: they never move), which live
    // until the response is encoded.
    std::list<protocol::bytes_value> buffers;
    bool any_records = false;
    for (const auto& topic_in : decoded->topics) {
        // Fetch v13+ names topics by id (KIP-516).
        const std::string* name = request.api_version >= 13 ? topic_name_of(topic_in.topic_id) : &topic_in.topic;
        auto& topic_out = response.responses.emplace_back();
        topic_out.topic = topic_in.topic;
        topic_out.topic_id = topic_in.topic_id;
        for (const auto& partition_in : topic_in.partitions) {
            auto& out = topic_out.partitions.emplace_back();
            out.partition_index = partition_in.partition;
            partition_log* log = name ? find_partition(*name, partition_in.partition.value()) : nullptr;
            if (log == nullptr) { out.error_code = error_code::unknown_topic_or_partition; continue; }
            out.high_watermark = model::offset(log->end_offset);
            out.last_stable_offset = model::offset(log->end_offset);
            out.log_start_offset = model::offset(0);
            const int64_t from = partition_in.fetch_offset.value();
            if (from < 0 || from > log->end_offset) { out.error_code = error_code::offset_out_of_range; continue; }
            protocol::bytes_value& bytes = buffers.emplace_back();
            for (const protocol::bytes_value& batch : log->batches) {
                protocol::record_batch_view view(batch);
                if (view.base_offset().value() + view.last_offset_delta() < from) continue;
                // At least one batch, then as many as fit (KIP-74).
                if (!bytes.empty() && bytes.size() + batch.size() > static_cast<size_t>(partition_in.partition_max_bytes))
                    break;
                bytes.insert(bytes.end(), batch.begin(), batch.end());
            }
            any_records = any_records || !bytes.empty();
            out.records = protocol::records_view{bytes};
        }
    }
    const auto delay = any_records ? std::chrono::milliseconds(0)
                                   : std::min(fetch_wait_max, std::chrono::milliseconds(std::max(0, decoded->max_wait_ms)));
    return reply_with(response, request, delay);
}

handler_reply fake_broker::list_offsets(const inbound_request& request) {
    auto decoded = decode_request<msg::list_offsets_request>(request);
    if (!decoded) return handler_reply::close();
    constexpr int64_t earliest_timestamp = -2; // -1 is latest
    msg::list_offsets_response response;
    for (const auto& topic_in : decoded->topics) {
        auto& topic_out = response.topics.emplace_back();
        topic_out.name = topic_in.name;
        for (const auto& partition_in : topic_in.partitions) {
            auto& out = topic_out.partitions.emplace_back();
            out.partition_index = partition_in.partition_index;
            partition_log* log = find_partition(topic_in.name, partition_in.partition_index.value());
            if (log == nullptr) { out.error_code = error_code::unknown_topic_or_partition; continue; }
            // Earliest is 0 (nothing is ever deleted); latest, and any timestamp lookup, the end.
            out.offset = model::offset(partition_in.timestamp == earliest_timestamp ? 0 : log->end_offset);
            out.timestamp = -1;
            out.leader_epoch = model::leader_epoch(0);
        }
    }
    return reply_with(response, request);
}

} // namespace sluice::golden
