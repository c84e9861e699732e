#include "cli/admin.h"

#include <chrono>

namespace sluice::cli {

namespace {

struct options_deleter {
    void operator()(rd_kafka_AdminOptions_t* options) const noexcept { rd_kafka_AdminOptions_destroy(options); }
};
struct queue_deleter {
    void operator()(rd_kafka_queue_t* queue) const noexcept { rd_kafka_queue_destroy(queue); }
};

// librdkafka times the request out itself and reports that as the result; this margin only
// guards against a result that never comes.
constexpr int32_t result_margin_ms = 5'000;

} // namespace

result<admin_event> run_admin(const kafka_client& client, rd_kafka_admin_op_t op, int32_t timeout_ms,
                              bool operation_timeout,
                              const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& issue) {
    rd_kafka_t* handle = client.get();
    std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter> options(rd_kafka_AdminOptions_new(handle, op));
    char error[256];
    rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, error, sizeof error);
    if (operation_timeout) rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, error, sizeof error);
    std::unique_ptr<rd_kafka_queue_t, queue_deleter> queue(rd_kafka_queue_new(handle));
    issue(options.get(), queue.get());

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + result_margin_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(handle, 0); // serves error_cb
        admin_event event(rd_kafka_queue_poll(queue.get(), 100));
        if (!event) continue;
        if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR)
            return failure{client.explain(rd_kafka_event_error_string(event.get()))};
        return event;
    }
    return failure{client.explain("no answer within " + std::to_string(timeout_ms) + " ms")};
}

result<metadata_ptr> fetch_metadata(const kafka_client& client, const std::optional<std::string>& topic,
                                    int32_t timeout_ms) {
    rd_kafka_topic_t* handle = topic ? rd_kafka_topic_new(client.get(), topic->c_str(), nullptr) : nullptr;
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t error = rd_kafka_metadata(client.get(), topic ? 0 : 1, handle, &metadata, timeout_ms);
    if (handle) rd_kafka_topic_destroy(handle);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_poll(client.get(), 0); // serves error_cb: why the brokers did not answer
        return failure{client.explain(std::string("metadata: ") + rd_kafka_err2str(error))};
    }
    return metadata_ptr(metadata);
}

} // namespace sluice::cli
