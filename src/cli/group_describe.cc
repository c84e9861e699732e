// `sluice group describe`: per group DescribeGroups (state, coordinator, assignor, members and
// their assignments), OffsetFetch (committed offsets) and ListOffsets (the log ends), shown as
// kafka-consumer-groups.sh --describe shows them.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/group_commands.h"
#include "cli/group_offsets.h"
#include "cli/group_view.h"
#include "cli/output.h"

namespace sluice::cli {

namespace {

std::string text_or_empty(const char* text) { return text ? text : ""; }

group_member member_of(const rd_kafka_MemberDescription_t* m) {
    group_member out;
    out.consumer_id = text_or_empty(rd_kafka_MemberDescription_consumer_id(m));
    if (const char* instance = rd_kafka_MemberDescription_group_instance_id(m)) out.group_instance_id = instance;
    out.client_id = text_or_empty(rd_kafka_MemberDescription_client_id(m));
    out.host = text_or_empty(rd_kafka_MemberDescription_host(m));
    if (const auto* assignment = rd_kafka_MemberDescription_assignment(m)) {
        if (const auto* list = rd_kafka_MemberAssignment_partitions(assignment)) {
            for (int i = 0; i < list->cnt; ++i) out.assignment.push_back({list->elems[i].topic, list->elems[i].partition});
        }
    }
    std::sort(out.assignment.begin(), out.assignment.end());
    return out;
}

group_description description_of(const rd_kafka_ConsumerGroupDescription_t* d) {
    group_description out;
    out.group = rd_kafka_ConsumerGroupDescription_group_id(d);
    out.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d));
    out.simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d) != 0;
    if (const rd_kafka_Node_t* node = rd_kafka_ConsumerGroupDescription_coordinator(d))
        out.coordinator = group_coordinator{rd_kafka_Node_id(node), text_or_empty(rd_kafka_Node_host(node)),
                                            rd_kafka_Node_port(node)};
    out.assignor = text_or_empty(rd_kafka_ConsumerGroupDescription_partition_assignor(d));
    for (size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(d); ++i)
        out.members.push_back(member_of(rd_kafka_ConsumerGroupDescription_member(d, i)));
    return out;
}

// Adds the committed offsets and the log ends of the committed and assigned partitions.
result<bool> add_offsets(const kafka_client& client, group_description& group, int32_t timeout_ms) {
    auto committed = committed_offsets(client, group.group, {}, timeout_ms);
    if (!committed) return failure{committed.error()};
    group.committed = std::move(*committed);
    std::set<topic_partition> partitions;
    for (const auto& [tp, offset] : group.committed) partitions.insert(tp);
    for (const auto& m : group.members) partitions.insert(m.assignment.begin(), m.assignment.end());
    auto ends = log_offsets(client, {partitions.begin(), partitions.end()}, latest_timestamp, timeout_ms);
    if (!ends) return failure{"group " + group.group + ": " + ends.error()};
    group.log_end = std::move(*ends);
    return true;
}

std::string render(const common_options& common, const group_describe_options& options,
                   const std::vector<group_description>& groups) {
    if (common.format == output_format::json) return group_describe_json(groups);
    if (options.view == group_describe_view::members) return group_members_table(groups);
    if (options.view == group_describe_view::state) return group_state_table(groups);
    std::string out;
    for (size_t i = 0; i < groups.size(); ++i) out += (i > 0 ? "\n" : "") + group_offsets_table(groups[i]);
    return out;
}

} // namespace

int run_group_describe(const common_options& common, const group_describe_options& options) {
    auto client = kafka_client::create(RD_KAFKA_CONSUMER, common, group_client_settings());
    if (!client) return fail(client.error());
    std::vector<const char*> names;
    for (const auto& name : options.names) names.push_back(name.c_str());
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, common.timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               rd_kafka_DescribeConsumerGroups(client->get(), names.data(), names.size(),
                                                               admin_options, queue);
                           });
    if (!event) return fail("describe groups: " + event.error());
    size_t count = 0;
    const auto** described = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(event->get()), &count);

    int exit_code = exit_ok;
    std::vector<group_description> groups;
    for (size_t i = 0; i < count; ++i) {
        const char* name = rd_kafka_ConsumerGroupDescription_group_id(described[i]);
        if (const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(described[i])) {
            exit_code = fail(std::string("group ") + name + ": " + error_text(error));
            continue;
        }
        group_description group = description_of(described[i]);
        // DescribeGroups answers Dead, without an error, for a group the coordinator does not
        // know (Kafka's tool: "Consumer group 'x' does not exist").
        if (rd_kafka_ConsumerGroupDescription_state(described[i]) == RD_KAFKA_CONSUMER_GROUP_STATE_DEAD) {
            exit_code = fail("group " + group.group + " does not exist");
            continue;
        }
        if (auto added = add_offsets(*client, group, common.timeout_ms); !added) {
            exit_code = fail(added.error());
            continue;
        }
        groups.push_back(std::move(group));
    }
    if (!groups.empty() || common.format == output_format::json) write_stdout(render(common, options, groups));
    return exit_code;
}

} // namespace sluice::cli
