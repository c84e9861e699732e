// `sluice topic list` and `sluice topic describe`: Metadata for every topic (asking for topics
// by name could auto-create them), DescribeConfigs for the described ones.
//
// librdkafka 2.0.2 does not expose topic ids (Metadata v10+), so neither command shows them.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/admin.h"
#include "cli/json_writer.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/topic_commands.h"
#include "cli/topic_configs.h"

namespace sluice::cli {

namespace {

std::vector<const rd_kafka_metadata_topic_t*> sorted_topics(const rd_kafka_metadata_t& metadata) {
    std::vector<const rd_kafka_metadata_topic_t*> out;
    for (int i = 0; i < metadata.topic_cnt; ++i) out.push_back(&metadata.topics[i]);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return std::string_view(a->topic) < b->topic; });
    return out;
}

int replication_factor(const rd_kafka_metadata_topic_t& topic) {
    return topic.partition_cnt > 0 ? topic.partitions[0].replica_cnt : 0;
}

std::string joined(const int32_t* ids, int count) {
    return fmt::format("{}", fmt::join(ids, ids + count, ","));
}

void json_ids(json_writer& out, const int32_t* ids, int count) {
    out.begin_array();
    for (int i = 0; i < count; ++i) out.value(int64_t{ids[i]});
    out.end_array();
}

std::string config_text(const config_entry& e) { return e.name + "=" + (e.value ? *e.value : "(sensitive)"); }

std::string describe_table(const rd_kafka_metadata_topic_t& topic, const std::vector<config_entry>& configs) {
    std::string out = fmt::format("Topic: {}  PartitionCount: {}  ReplicationFactor: {}\n", topic.topic,
                                  topic.partition_cnt, replication_factor(topic));
    std::vector<std::string> shown;
    for (const auto& e : configs) shown.push_back(config_text(e));
    out += shown.empty() ? "Configs:\n" : fmt::format("Configs: {}\n", fmt::join(shown, ","));
    table partitions({"PARTITION", "LEADER", "REPLICAS", "ISR"});
    for (int i = 0; i < topic.partition_cnt; ++i) {
        const auto& p = topic.partitions[i];
        partitions.add_row({std::to_string(p.id), p.leader < 0 ? "none" : std::to_string(p.leader),
                            joined(p.replicas, p.replica_cnt), joined(p.isrs, p.isr_cnt)});
    }
    return out + partitions.render();
}

void describe_json(json_writer& out, const rd_kafka_metadata_topic_t& topic, const std::vector<config_entry>& configs) {
    out.begin_object().key("name").value(topic.topic).key("partitions").begin_array();
    for (int i = 0; i < topic.partition_cnt; ++i) {
        const auto& p = topic.partitions[i];
        out.begin_object().key("partition").value(int64_t{p.id}).key("leader");
        if (p.leader < 0) {
            out.null();
        } else {
            out.value(int64_t{p.leader});
        }
        out.key("replicas");
        json_ids(out, p.replicas, p.replica_cnt);
        out.key("isr");
        json_ids(out, p.isrs, p.isr_cnt);
        out.end_object();
    }
    out.end_array().key("configs").begin_object();
    for (const auto& e : configs) {
        out.key(e.name);
        if (e.value) {
            out.value(*e.value);
        } else {
            out.null();
        }
    }
    out.end_object().end_object();
}

// The metadata of each requested topic that exists, in request order; reports the others.
std::vector<const rd_kafka_metadata_topic_t*> find_topics(const rd_kafka_metadata_t& metadata,
                                                          const std::vector<std::string>& names, int& exit_code) {
    std::vector<const rd_kafka_metadata_topic_t*> found;
    for (const auto& name : names) {
        const rd_kafka_metadata_topic_t* match = nullptr;
        for (int i = 0; i < metadata.topic_cnt; ++i) {
            if (name == metadata.topics[i].topic) match = &metadata.topics[i];
        }
        if (match == nullptr || match->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            exit_code = fail("topic " + name + " does not exist");
        } else if (std::find(found.begin(), found.end(), match) == found.end()) {
            found.push_back(match);
        }
    }
    return found;
}

} // namespace

int run_topic_list(const common_options& common, const topic_list_options&) {
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, {});
    if (!client) return fail(client.error());
    auto metadata = fetch_metadata(*client, std::nullopt, common.timeout_ms);
    if (!metadata) return fail(metadata.error());
    const auto topics = sorted_topics(**metadata);
    if (common.format == output_format::json) {
        json_writer out;
        out.begin_array();
        for (const auto* t : topics) {
            out.begin_object().key("name").value(t->topic);
            out.key("partitions").value(int64_t{t->partition_cnt});
            out.key("replication_factor").value(int64_t{replication_factor(*t)}).end_object();
        }
        out.end_array();
        write_stdout(out.text() + "\n");
        return exit_ok;
    }
    table listing({"TOPIC", "PARTITIONS", "REPLICATION-FACTOR"});
    for (const auto* t : topics)
        listing.add_row({t->topic, std::to_string(t->partition_cnt), std::to_string(replication_factor(*t))});
    write_stdout(listing.render());
    return exit_ok;
}

int run_topic_describe(const common_options& common, const topic_describe_options& options) {
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, {});
    if (!client) return fail(client.error());
    auto metadata = fetch_metadata(*client, std::nullopt, common.timeout_ms);
    if (!metadata) return fail(metadata.error());
    int exit_code = exit_ok;
    const auto topics = find_topics(**metadata, options.names, exit_code);

    std::map<std::string, std::vector<config_entry>> configs;
    if (!topics.empty()) {
        std::vector<std::string> names;
        for (const auto* t : topics) names.emplace_back(t->topic);
        auto described = describe_topic_configs(*client, names, common.timeout_ms);
        if (!described) exit_code = fail("configs: " + described.error());
        for (const auto& name : described ? names : std::vector<std::string>{}) {
            const topic_config& config = (*described)[name];
            if (!config.error.empty()) exit_code = fail("configs of topic " + name + ": " + config.error);
            configs[name] = non_default_entries(config);
        }
    }

    if (common.format == output_format::json) {
        json_writer out;
        out.begin_array();
        for (const auto* t : topics) describe_json(out, *t, configs[t->topic]);
        out.end_array();
        write_stdout(out.text() + "\n");
    } else {
        for (size_t i = 0; i < topics.size(); ++i)
            write_stdout((i > 0 ? "\n" : "") + describe_table(*topics[i], configs[topics[i]->topic]));
    }
    return exit_code;
}

} // namespace sluice::cli
