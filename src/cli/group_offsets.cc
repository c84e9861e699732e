#include "cli/group_offsets.h"

#include "cli/admin.h"
#include "cli/consume_assignment.h"

namespace sluice::cli {

namespace {

struct list_offsets_request_deleter {
    void operator()(rd_kafka_ListConsumerGroupOffsets_t* request) const noexcept {
        rd_kafka_ListConsumerGroupOffsets_destroy(request);
    }
};
struct alter_offsets_request_deleter {
    void operator()(rd_kafka_AlterConsumerGroupOffsets_t* request) const noexcept {
        rd_kafka_AlterConsumerGroupOffsets_destroy(request);
    }
};

// The one group result of a ListConsumerGroupOffsets or AlterConsumerGroupOffsets event
// (librdkafka 2.0.2 takes one group per request). Fails on the group's error.
result<const rd_kafka_group_result_t*> only_group(const rd_kafka_group_result_t** groups, size_t count,
                                                  const std::string& group) {
    if (count != 1) return failure{"group " + group + ": " + std::to_string(count) + " results for one group"};
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[0]))
        return failure{"group " + group + ": " + error_text(error)};
    return groups[0];
}

// The first partition error in `list`, as "topic T partition P: NAME: message"; empty when none.
std::string first_partition_error(const rd_kafka_topic_partition_list_t* list) {
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR)
            return "topic " + std::string(p.topic) + " partition " + std::to_string(p.partition) + ": " +
                   error_text(p.err);
    }
    return {};
}

} // namespace

std::vector<key_value> group_client_settings() { return {{"isolation.level", "read_uncommitted"}}; }

std::string error_text(rd_kafka_resp_err_t error) {
    return std::string(rd_kafka_err2name(error)) + ": " + rd_kafka_err2str(error);
}

std::string error_text(const rd_kafka_error_t* error) {
    return std::string(rd_kafka_error_name(error)) + ": " + rd_kafka_error_string(error);
}

result<std::map<topic_partition, int64_t>> committed_offsets(const kafka_client& client, const std::string& group,
                                                             const std::vector<topic_partition>& partitions,
                                                             int32_t timeout_ms) {
    // No partitions (null): the broker answers with every partition the group has an offset for.
    partition_list wanted;
    if (!partitions.empty()) {
        wanted.reset(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
        for (const auto& tp : partitions) rd_kafka_topic_partition_list_add(wanted.get(), tp.topic.c_str(), tp.partition);
    }
    std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, list_offsets_request_deleter> request(
        rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), wanted.get()));
    auto event = run_admin(client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                               rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
                               rd_kafka_ListConsumerGroupOffsets(client.get(), requests, 1, options, queue);
                           });
    if (!event) return failure{"committed offsets of group " + group + ": " + event.error()};
    size_t count = 0;
    const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &count);
    auto found = only_group(groups, count, group);
    if (!found) return failure{found.error()};
    std::map<topic_partition, int64_t> out;
    const rd_kafka_topic_partition_list_t* list = rd_kafka_group_result_partitions(*found);
    if (std::string error = first_partition_error(list); !error.empty())
        return failure{"committed offsets of group " + group + ": " + error};
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        if (p.offset >= 0) out[{p.topic, p.partition}] = p.offset; // -1 (none) comes back as INVALID
    }
    return out;
}

result<std::map<topic_partition, int64_t>> log_offsets(const kafka_client& client,
                                                       const std::vector<topic_partition>& partitions,
                                                       int64_t timestamp, int32_t timeout_ms) {
    std::map<topic_partition, int64_t> out;
    if (partitions.empty()) return out;
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& tp : partitions)
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = timestamp;
    // The offset field carries the timestamp in; ListOffsets' special timestamps -1 and -2
    // pass through unchanged, so one call serves the log ends as well.
    const rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(client.get(), list.get(), timeout_ms);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure{client.explain("list offsets: " + error_text(error))};
    if (std::string failed = first_partition_error(list.get()); !failed.empty())
        return failure{"list offsets: " + failed};
    for (int i = 0; i < list->cnt; ++i) out[{list->elems[i].topic, list->elems[i].partition}] = list->elems[i].offset;
    return out;
}

result<bool> alter_committed_offsets(const kafka_client& client, const std::string& group,
                                     const std::map<topic_partition, int64_t>& offsets, int32_t timeout_ms) {
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& [tp, offset] : offsets)
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
    std::unique_ptr<rd_kafka_AlterConsumerGroupOffsets_t, alter_offsets_request_deleter> request(
        rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
    auto event = run_admin(client, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                               rd_kafka_AlterConsumerGroupOffsets_t* requests[] = {request.get()};
                               rd_kafka_AlterConsumerGroupOffsets(client.get(), requests, 1, options, queue);
                           });
    if (!event) return failure{"commit offsets of group " + group + ": " + event.error()};
    size_t count = 0;
    const auto** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
    auto found = only_group(groups, count, group);
    if (!found) return failure{found.error()};
    if (std::string error = first_partition_error(rd_kafka_group_result_partitions(*found)); !error.empty())
        return failure{"commit offsets of group " + group + ": " + error};
    return true;
}

} // namespace sluice::cli
