#pragma once
// admin: the two request shapes the topic commands need from librdkafka, with deadlines.
// - run_admin: one Admin API request (CreateTopics, DeleteTopics, DescribeConfigs,
//   AlterConfigs) and its result event.
// - fetch_metadata: a Metadata request for every topic or one.
// Both are blocking and serve the handle's error callback while they wait, so a failure can
// say what librdkafka saw (kafka_client::explain).
#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cli/kafka_client.h"
#include "cli/result.h"

namespace sluice::cli {

struct admin_event_deleter {
    void operator()(rd_kafka_event_t* event) const noexcept { rd_kafka_event_destroy(event); }
};
using admin_event = std::unique_ptr<rd_kafka_event_t, admin_event_deleter>;

// `issue` starts the request with the given options and result queue. With
// `operation_timeout`, the broker is also asked to wait that long for the operation to
// complete (CreateTopics, DeleteTopics). A failed request as a whole is a failure; per-topic
// and per-resource errors are in the event for the caller.
result<admin_event> run_admin(const kafka_client& client, rd_kafka_admin_op_t op, int32_t timeout_ms,
                              bool operation_timeout,
                              const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& issue);

struct metadata_deleter {
    void operator()(const rd_kafka_metadata_t* metadata) const noexcept { rd_kafka_metadata_destroy(metadata); }
};
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, metadata_deleter>;

// Every topic, or only `topic`. Asking for one topic by name may create it on a broker with
// auto.create.topics.enable when the handle allows it (producers do): callers that only look
// ask for every topic, or use a consumer handle.
result<metadata_ptr> fetch_metadata(const kafka_client& client, const std::optional<std::string>& topic,
                                    int32_t timeout_ms);

} // namespace sluice::cli
