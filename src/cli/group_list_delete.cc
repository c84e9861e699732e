// `sluice group list` and `sluice group delete`: ListGroups (every broker) and DeleteGroups
// (the groups' coordinators), through librdkafka's admin API.
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/group_commands.h"
#include "cli/group_offsets.h"
#include "cli/group_view.h"
#include "cli/json_writer.h"
#include "cli/output.h"

namespace sluice::cli {

namespace {

rd_kafka_consumer_group_state_t librdkafka_state(group_state state) {
    switch (state) {
    case group_state::preparing_rebalance: return RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE;
    case group_state::completing_rebalance: return RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE;
    case group_state::stable: return RD_KAFKA_CONSUMER_GROUP_STATE_STABLE;
    case group_state::dead: return RD_KAFKA_CONSUMER_GROUP_STATE_DEAD;
    case group_state::empty: return RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY;
    }
    return RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN;
}

struct error_deleter {
    void operator()(rd_kafka_error_t* error) const noexcept { rd_kafka_error_destroy(error); }
};

} // namespace

int run_group_list(const common_options& common, const group_list_options& options) {
    auto client = kafka_client::create(RD_KAFKA_CONSUMER, common, group_client_settings());
    if (!client) return fail(client.error());
    std::vector<rd_kafka_consumer_group_state_t> states;
    for (const auto s : options.states) states.push_back(librdkafka_state(s));
    std::string option_error;
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, common.timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               if (!states.empty()) {
                                   std::unique_ptr<rd_kafka_error_t, error_deleter> error(
                                       rd_kafka_AdminOptions_set_match_consumer_group_states(
                                           admin_options, states.data(), states.size()));
                                   if (error) option_error = rd_kafka_error_string(error.get());
                               }
                               rd_kafka_ListConsumerGroups(client->get(), admin_options, queue);
                           });
    if (!option_error.empty()) return fail("list groups: " + option_error);
    if (!event) return fail("list groups: " + event.error());
    const auto* result = rd_kafka_event_ListConsumerGroups_result(event->get());
    // Brokers that failed to answer are reported; the groups of the others are still listed.
    int exit_code = exit_ok;
    size_t error_count = 0;
    const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
    for (size_t i = 0; i < error_count; ++i) exit_code = fail("list groups: " + error_text(errors[i]));
    size_t count = 0;
    const rd_kafka_ConsumerGroupListing_t** valid = rd_kafka_ListConsumerGroups_result_valid(result, &count);
    std::vector<group_listing> groups;
    for (size_t i = 0; i < count; ++i) {
        groups.push_back({rd_kafka_ConsumerGroupListing_group_id(valid[i]),
                          rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(valid[i])),
                          rd_kafka_ConsumerGroupListing_is_simple_consumer_group(valid[i]) != 0});
    }
    if (groups.empty() && error_count > 0) return exit_code; // nobody answered: no empty table
    write_stdout(common.format == output_format::json ? group_list_json(groups) : group_list_table(groups));
    return exit_code;
}

int run_group_delete(const common_options& common, const group_delete_options& options) {
    auto client = kafka_client::create(RD_KAFKA_CONSUMER, common, group_client_settings());
    if (!client) return fail(client.error());
    std::vector<rd_kafka_DeleteGroup_t*> groups;
    for (const auto& name : options.names) groups.push_back(rd_kafka_DeleteGroup_new(name.c_str()));
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_DELETEGROUPS, common.timeout_ms, false,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               rd_kafka_DeleteGroups(client->get(), groups.data(), groups.size(), admin_options, queue);
                           });
    rd_kafka_DeleteGroup_destroy_array(groups.data(), groups.size());
    if (!event) return fail("delete groups: " + event.error());
    size_t count = 0;
    const auto** results = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event->get()), &count);
    std::vector<std::string> deleted;
    int exit_code = exit_ok;
    for (size_t i = 0; i < count; ++i) {
        const char* name = rd_kafka_group_result_name(results[i]);
        if (const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i])) {
            // NON_EMPTY_GROUP: it has members; GROUP_ID_NOT_FOUND: no such group.
            exit_code = fail(std::string("group ") + name + ": " + error_text(error));
            continue;
        }
        deleted.emplace_back(name);
    }
    if (common.format == output_format::json) {
        json_writer out;
        out.begin_object().key("deleted").begin_array();
        for (const auto& name : deleted) out.value(name);
        out.end_array().end_object();
        write_stdout(out.text() + "\n");
    } else {
        for (const auto& name : deleted) write_stdout("deleted group " + name + "\n");
    }
    return exit_code;
}

} // namespace sluice::cli
