// `sluice topic create` and `sluice topic delete`: CreateTopics / DeleteTopics, waiting up to
// the timeout for the broker to finish the operation.
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/json_writer.h"
#include "cli/output.h"
#include "cli/topic_commands.h"

namespace sluice::cli {

namespace {

// Per-topic results: successes are printed, failures reported; exit 1 when any failed.
int report_topic_results(const common_options& common, const rd_kafka_topic_result_t** results, size_t count,
                         const char* verb) {
    std::vector<std::string> done;
    int exit_code = exit_ok;
    for (size_t i = 0; i < count; ++i) {
        const char* name = rd_kafka_topic_result_name(results[i]);
        if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* why = rd_kafka_topic_result_error_string(results[i]);
            exit_code = fail(std::string("topic ") + name + ": " +
                             (why ? why : rd_kafka_err2str(rd_kafka_topic_result_error(results[i]))));
            continue;
        }
        done.emplace_back(name);
    }
    if (common.format == output_format::json) {
        json_writer out;
        out.begin_object().key(verb).begin_array();
        for (const auto& name : done) out.value(name);
        out.end_array().end_object();
        write_stdout(out.text() + "\n");
    } else {
        for (const auto& name : done) write_stdout(std::string(verb) + " topic " + name + "\n");
    }
    return exit_code;
}

struct new_topic_deleter {
    void operator()(rd_kafka_NewTopic_t* topic) const noexcept { rd_kafka_NewTopic_destroy(topic); }
};

} // namespace

int run_topic_create(const common_options& common, const topic_create_options& options) {
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, {});
    if (!client) return fail(client.error());
    char error[512];
    std::unique_ptr<rd_kafka_NewTopic_t, new_topic_deleter> topic(rd_kafka_NewTopic_new(
        options.name.c_str(), options.partitions, options.replication_factor, error, sizeof error));
    if (!topic) return fail(std::string("topic ") + options.name + ": " + error);
    for (const auto& kv : options.configs) {
        if (rd_kafka_NewTopic_set_config(topic.get(), kv.key.c_str(), kv.value.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR)
            return fail("config " + kv.key + ": rejected by librdkafka");
    }
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_CREATETOPICS, common.timeout_ms, true,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               rd_kafka_NewTopic_t* topics[] = {topic.get()};
                               rd_kafka_CreateTopics(client->get(), topics, 1, admin_options, queue);
                           });
    if (!event) return fail("create topic " + options.name + ": " + event.error());
    size_t count = 0;
    const auto* result = rd_kafka_event_CreateTopics_result(event->get());
    const auto** results = rd_kafka_CreateTopics_result_topics(result, &count);
    return report_topic_results(common, results, count, "created");
}

int run_topic_delete(const common_options& common, const topic_delete_options& options) {
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, {});
    if (!client) return fail(client.error());
    std::vector<rd_kafka_DeleteTopic_t*> topics;
    for (const auto& name : options.names) topics.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
    auto event = run_admin(*client, RD_KAFKA_ADMIN_OP_DELETETOPICS, common.timeout_ms, true,
                           [&](rd_kafka_AdminOptions_t* admin_options, rd_kafka_queue_t* queue) {
                               rd_kafka_DeleteTopics(client->get(), topics.data(), topics.size(), admin_options, queue);
                           });
    rd_kafka_DeleteTopic_destroy_array(topics.data(), topics.size());
    if (!event) return fail("delete topics: " + event.error());
    size_t count = 0;
    const auto* result = rd_kafka_event_DeleteTopics_result(event->get());
    const auto** results = rd_kafka_DeleteTopics_result_topics(result, &count);
    return report_topic_results(common, results, count, "deleted");
}

} // namespace sluice::cli
