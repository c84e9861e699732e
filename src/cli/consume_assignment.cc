#include "cli/consume_assignment.h"

#include <string>

#include "cli/admin.h"

namespace sluice::cli {

namespace {

// librdkafka's logical start offset for `start` (a timestamp is resolved later).
int64_t logical_offset(const start_position& start) {
    if (std::holds_alternative<start_at_beginning>(start)) return RD_KAFKA_OFFSET_BEGINNING;
    if (const auto* at = std::get_if<start_at_offset>(&start))
        return at->offset >= 0 ? at->offset : RD_KAFKA_OFFSET_TAIL(-at->offset);
    if (const auto* at = std::get_if<start_at_timestamp>(&start)) return at->timestamp_ms;
    return RD_KAFKA_OFFSET_END;
}

// Replaces the timestamps in `list` by the first offset at or after them (ListOffsets); a
// partition with no such record starts at its end.
result<bool> resolve_timestamps(const kafka_client& consumer, rd_kafka_topic_partition_list_t* list,
                                int32_t timeout_ms) {
    const rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(consumer.get(), list, timeout_ms);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure{consumer.explain(std::string("offsets for timestamp: ") + rd_kafka_err2str(error))};
    for (int i = 0; i < list->cnt; ++i) {
        auto& p = list->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR)
            return failure{"offset for timestamp in partition " + std::to_string(p.partition) + ": " +
                           rd_kafka_err2str(p.err)};
        if (p.offset < 0) p.offset = RD_KAFKA_OFFSET_END;
    }
    return true;
}

} // namespace

std::vector<key_value> consumer_settings(const consume_options& options) {
    std::vector<key_value> settings = {{"enable.partition.eof", options.exit_at_end ? "true" : "false"},
                                       // Offsets are stored only for records printed.
                                       {"enable.auto.offset.store", "false"}};
    if (options.group) {
        settings.push_back({"group.id", *options.group});
        settings.push_back({"auto.offset.reset",
                            std::holds_alternative<start_at_beginning>(options.start) ? "earliest" : "latest"});
        return settings;
    }
    // An explicit offset outside the log is an error, not a silent jump; a tail longer than the
    // log starts at the log start.
    const auto* at = std::get_if<start_at_offset>(&options.start);
    settings.push_back({"auto.offset.reset", at && at->offset >= 0 ? "error" : "earliest"});
    return settings;
}

result<partition_list> initial_assignment(const kafka_client& consumer, const common_options& common,
                                          const consume_options& options) {
    auto metadata = fetch_metadata(consumer, options.topic, common.timeout_ms);
    if (!metadata) return failure{metadata.error()};
    const rd_kafka_metadata_t& md = **metadata;
    if (md.topic_cnt != 1 || md.topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const auto error = md.topic_cnt == 1 ? md.topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        return failure{"topic " + options.topic + ": " + rd_kafka_err2str(error)};
    }
    const rd_kafka_metadata_topic_t& topic = md.topics[0];
    if (options.partition && *options.partition >= topic.partition_cnt)
        return failure{"topic " + options.topic + " has no partition " + std::to_string(*options.partition) + " (" +
                       std::to_string(topic.partition_cnt) + " partitions)"};

    partition_list list(rd_kafka_topic_partition_list_new(topic.partition_cnt));
    for (int i = 0; i < topic.partition_cnt; ++i) {
        const int32_t id = topic.partitions[i].id;
        if (options.partition && id != *options.partition) continue;
        auto* added = rd_kafka_topic_partition_list_add(list.get(), options.topic.c_str(), id);
        added->offset = logical_offset(options.start);
    }
    rd_kafka_topic_partition_list_sort(list.get(), nullptr, nullptr);
    if (std::holds_alternative<start_at_timestamp>(options.start)) {
        if (auto resolved = resolve_timestamps(consumer, list.get(), common.timeout_ms); !resolved)
            return failure{resolved.error()};
    }
    return list;
}

} // namespace sluice::cli
