#include "cli/produce_command.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "cli/admin.h"
#include "cli/kafka_client.h"
#include "cli/output.h"
#include "cli/produce_input.h"

namespace sluice::cli {

namespace {

// Delivery reports, counted. dr_msg_cb runs inside rd_kafka_poll/flush on this thread; each
// message carries the tally as its opaque (the handle's opaque is client_events).
struct delivery_tally {
    std::map<int32_t, int64_t> delivered; // by partition
    int64_t failed = 0;
    rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
    auto* tally = static_cast<delivery_tally*>(message->_private);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++tally->delivered[message->partition];
        return;
    }
    if (tally->failed++ == 0) tally->first_error = message->err;
}

std::vector<key_value> producer_settings(const common_options& common, const produce_options& options) {
    // Delivery fails after the timeout instead of librdkafka's 5 minutes.
    std::vector<key_value> settings = {{"message.timeout.ms", std::to_string(common.timeout_ms)}};
    if (options.acks) settings.push_back({"acks", *options.acks == "all" ? "-1" : *options.acks});
    if (options.compression) settings.push_back({"compression.codec", *options.compression});
    return settings;
}

struct file_closer {
    void operator()(std::FILE* file) const noexcept {
        if (file != stdin) std::fclose(file);
    }
};

struct headers_deleter {
    void operator()(rd_kafka_headers_t* headers) const noexcept { rd_kafka_headers_destroy(headers); }
};
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, headers_deleter>;

headers_ptr make_headers(const std::vector<key_value>& headers) {
    if (headers.empty()) return nullptr;
    headers_ptr out(rd_kafka_headers_new(headers.size()));
    for (const auto& h : headers) {
        rd_kafka_header_add(out.get(), h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                            static_cast<ssize_t>(h.value.size()));
    }
    return out;
}

// Queues one record, waiting while librdkafka's queue is full.
rd_kafka_resp_err_t send(rd_kafka_t* producer, const produce_options& options, const input_record& record,
                         const rd_kafka_headers_t* headers_template, delivery_tally& tally) {
    for (;;) {
        headers_ptr headers(headers_template ? rd_kafka_headers_copy(headers_template) : nullptr);
        // A null key is a null pointer; an empty key is a pointer and length 0.
        const char* key = record.key ? record.key->data() : nullptr;
        const size_t key_size = record.key ? record.key->size() : 0;
        const rd_kafka_resp_err_t error = rd_kafka_producev(
            producer, RD_KAFKA_V_TOPIC(options.topic.c_str()),
            RD_KAFKA_V_PARTITION(options.partition.value_or(RD_KAFKA_PARTITION_UA)),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
            RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_HEADERS(headers.get()),
            RD_KAFKA_V_OPAQUE(&tally), RD_KAFKA_V_END);
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            headers.release(); // the message owns them now
            return error;
        }
        if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) return error;
        rd_kafka_poll(producer, 100);
    }
}

// librdkafka keeps records for a topic the broker does not know (and does not auto-create)
// until they time out; "Message timed out" alone would hide why.
std::string explain_failure(const kafka_client& client, const common_options& common, const std::string& topic,
                            const delivery_tally& tally) {
    std::string why = client.explain(rd_kafka_err2str(tally.first_error));
    if (tally.first_error != RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) return why;
    auto metadata = fetch_metadata(client, std::nullopt, common.timeout_ms);
    if (!metadata) return why;
    for (int i = 0; i < (*metadata)->topic_cnt; ++i) {
        if (topic == (*metadata)->topics[i].topic) return why;
    }
    return why + " (topic " + topic + " does not exist)";
}

} // namespace

int run_produce(const common_options& common, const produce_options& options) {
    std::unique_ptr<std::FILE, file_closer> input(options.file ? std::fopen(options.file->c_str(), "rb") : stdin);
    if (!input) return fail(*options.file + ": " + std::strerror(errno));
    auto client = kafka_client::create(RD_KAFKA_PRODUCER, common, producer_settings(common, options),
                                         [](rd_kafka_conf_t* conf) { rd_kafka_conf_set_dr_msg_cb(conf, on_delivery); });
    if (!client) return fail(client.error());
    rd_kafka_t* producer = client->get();

    delivery_tally tally;
    const headers_ptr headers = make_headers(options.headers);
    std::string error;
    int64_t sent = 0;
    char* line = nullptr;
    size_t capacity = 0;
    for (int64_t number = 1;; ++number) {
        ssize_t length = getline(&line, &capacity, input.get());
        if (length < 0) break;
        if (length > 0 && line[length - 1] == '\n') --length;
        auto record = parse_input_line(std::string_view(line, static_cast<size_t>(length)), options);
        if (!record) {
            error = "line " + std::to_string(number) + ": no key separator '" + *options.key_separator + "'";
            break;
        }
        if (auto sent_error = send(producer, options, *record, headers.get(), tally); sent_error) {
            error = std::string("line ") + std::to_string(number) + ": " + rd_kafka_err2str(sent_error);
            break;
        }
        ++sent;
        rd_kafka_poll(producer, 0);
    }
    std::free(line);
    if (error.empty() && std::ferror(input.get())) error = std::string("reading input: ") + std::strerror(errno);

    // message.timeout.ms bounds every delivery; the margin covers the last reports.
    rd_kafka_flush(producer, common.timeout_ms + 5'000);
    write_stdout(format_produce_summary(tally.delivered, common.format));
    int exit_code = exit_ok;
    if (tally.failed > 0)
        exit_code = fail(std::to_string(tally.failed) + " of " + std::to_string(sent) +
                         " records not delivered: " + explain_failure(*client, common, options.topic, tally));
    if (const int pending = rd_kafka_outq_len(producer); pending > 0)
        exit_code = fail(client->explain(std::to_string(pending) + " records still unconfirmed after the timeout"));
    if (!error.empty()) exit_code = fail(error);
    return exit_code;
}

} // namespace sluice::cli
