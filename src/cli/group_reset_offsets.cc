// `sluice group reset-offsets`: the new committed offset of each requested partition, from
// ListOffsets (log start, log end, offset at a time) and, for --shift-by, the group's committed
// offsets; printed as a plan, and committed (OffsetCommit without a generation) with
// --execute. As in Kafka, the broker accepts the commit only while the group has no members.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/group_commands.h"
#include "cli/group_offsets.h"
#include "cli/json_writer.h"
#include "cli/offset_reset.h"
#include "cli/output.h"
#include "cli/table.h"

namespace sluice::cli {

namespace {

// The partitions `topics` name, checked against Metadata for every topic (naming one topic
// could auto-create it).
result<std::vector<topic_partition>> requested_partitions(const kafka_client& client,
                                                          const std::vector<topic_partitions>& topics,
                                                          int32_t timeout_ms) {
    auto metadata = fetch_metadata(client, std::nullopt, timeout_ms);
    if (!metadata) return failure{metadata.error()};
    std::vector<topic_partition> out;
    for (const auto& wanted : topics) {
        const rd_kafka_metadata_topic_t* topic = nullptr;
        for (int i = 0; i < (*metadata)->topic_cnt; ++i) {
            if (wanted.topic == (*metadata)->topics[i].topic) topic = &(*metadata)->topics[i];
        }
        if (topic == nullptr || topic->err != RD_KAFKA_RESP_ERR_NO_ERROR)
            return failure{"topic " + wanted.topic + " does not exist"};
        if (wanted.partitions.empty()) {
            for (int i = 0; i < topic->partition_cnt; ++i) out.push_back({wanted.topic, topic->partitions[i].id});
        }
        for (const int32_t p : wanted.partitions) {
            if (p >= topic->partition_cnt)
                return failure{"topic " + wanted.topic + " has no partition " + std::to_string(p) + " (" +
                               std::to_string(topic->partition_cnt) + " partitions)"};
            out.push_back({wanted.topic, p});
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// --all-topics: the partitions the group has committed offsets for, as Kafka's tool takes them.
result<std::vector<topic_partition>> committed_partitions(const kafka_client& client, const std::string& group,
                                                          int32_t timeout_ms) {
    auto committed = committed_offsets(client, group, {}, timeout_ms);
    if (!committed) return failure{committed.error()};
    if (committed->empty()) return failure{"group " + group + " has no committed offsets"};
    std::vector<topic_partition> out;
    for (const auto& [tp, offset] : *committed) out.push_back(tp);
    return out;
}

std::optional<int64_t> lookup(const std::map<topic_partition, int64_t>& offsets, const topic_partition& tp) {
    const auto found = offsets.find(tp);
    return found == offsets.end() ? std::nullopt : std::optional<int64_t>(found->second);
}

// Everything new_offset needs, for every partition.
result<std::map<topic_partition, partition_position>> positions(const kafka_client& client,
                                                                 const group_reset_offsets_options& options,
                                                                 const std::vector<topic_partition>& partitions,
                                                                 int32_t timeout_ms) {
    auto starts = log_offsets(client, partitions, earliest_timestamp, timeout_ms);
    if (!starts) return failure{starts.error()};
    auto ends = log_offsets(client, partitions, latest_timestamp, timeout_ms);
    if (!ends) return failure{ends.error()};
    std::map<topic_partition, int64_t> at_time, committed;
    if (const auto* to = std::get_if<reset_to_timestamp>(&options.target)) {
        auto found = log_offsets(client, partitions, to->timestamp_ms, timeout_ms);
        if (!found) return failure{found.error()};
        at_time = std::move(*found);
    }
    if (std::holds_alternative<reset_shift_by>(options.target)) {
        auto offsets = committed_offsets(client, options.group, partitions, timeout_ms);
        if (!offsets) return failure{offsets.error()};
        committed = std::move(*offsets);
    }
    std::map<topic_partition, partition_position> out;
    for (const auto& tp : partitions) {
        partition_position& p = out[tp];
        p.log_start = (*starts)[tp];
        p.log_end = (*ends)[tp];
        p.committed = lookup(committed, tp);
        if (auto offset = lookup(at_time, tp); offset && *offset >= 0) p.at_timestamp = offset; // -1: none
    }
    return out;
}

std::string plan_text(const common_options& common, const group_reset_offsets_options& options,
                      const std::map<topic_partition, int64_t>& plan) {
    if (common.format == output_format::json) {
        json_writer out;
        out.begin_object().key("group").value(options.group).key("executed").boolean(options.execute);
        out.key("offsets").begin_array();
        for (const auto& [tp, offset] : plan) {
            out.begin_object().key("topic").value(tp.topic).key("partition").value(int64_t{tp.partition});
            out.key("offset").value(offset).end_object();
        }
        out.end_array().end_object();
        return out.text() + "\n";
    }
    table rows({"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"});
    for (const auto& [tp, offset] : plan)
        rows.add_row({options.group, tp.topic, std::to_string(tp.partition), std::to_string(offset)});
    return rows.render() + (options.execute ? "" : "(dry run: nothing committed; add --execute to commit)\n");
}

} // namespace

int run_group_reset_offsets(const common_options& common, const group_reset_offsets_options& options) {
    auto client = kafka_client::create(RD_KAFKA_CONSUMER, common, group_client_settings());
    if (!client) return fail(client.error());
    auto partitions = options.all_topics ? committed_partitions(*client, options.group, common.timeout_ms)
                                         : requested_partitions(*client, options.topics, common.timeout_ms);
    if (!partitions) return fail(partitions.error());
    auto known = positions(*client, options, *partitions, common.timeout_ms);
    if (!known) return fail(known.error());

    std::map<topic_partition, int64_t> plan;
    for (const auto& [tp, position] : *known) {
        auto offset = new_offset(options.target, position);
        if (!offset)
            return fail("group " + options.group + " topic " + tp.topic + " partition " + std::to_string(tp.partition) +
                        ": " + offset.error());
        plan[tp] = *offset;
    }
    if (options.execute) {
        if (auto done = alter_committed_offsets(*client, options.group, plan, common.timeout_ms); !done)
            return fail(done.error());
    }
    write_stdout(plan_text(common, options, plan));
    return exit_ok;
}

} // namespace sluice::cli
