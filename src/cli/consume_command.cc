#include "cli/consume_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>

#include "cli/consume_assignment.h"
#include "cli/consume_source.h"
#include "cli/kafka_client.h"
#include "cli/output.h"
#include "cli/record_format.h"

namespace sluice::cli {

namespace {

// Set by SIGINT/SIGTERM; the poll loop checks it at least every poll_interval_ms.
volatile sig_atomic_t stop_requested = 0;
constexpr int poll_interval_ms = 100;

void request_stop(int) { stop_requested = 1; }

// Installs the stop handlers for its lifetime.
class stop_signals {
public:
    stop_signals() {
        stop_requested = 0;
        struct sigaction action {};
        action.sa_handler = request_stop;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &_old_int);
        sigaction(SIGTERM, &action, &_old_term);
    }
    ~stop_signals() {
        sigaction(SIGINT, &_old_int, nullptr);
        sigaction(SIGTERM, &_old_term, nullptr);
    }
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

private:
    struct sigaction _old_int {};
    struct sigaction _old_term {};
};

std::optional<std::string_view> bytes_of(const void* data, size_t size) {
    if (data == nullptr) return std::nullopt;
    return std::string_view(static_cast<const char*>(data), size);
}

record_view view_of(const rd_kafka_message_t& message) {
    record_view r;
    r.topic = rd_kafka_topic_name(message.rkt);
    r.partition = message.partition;
    r.offset = message.offset;
    rd_kafka_timestamp_type_t type;
    if (const int64_t ts = rd_kafka_message_timestamp(&message, &type); ts >= 0) r.timestamp_ms = ts;
    r.key = bytes_of(message.key, message.key_len);
    r.value = bytes_of(message.payload, message.len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
            r.headers.push_back({name, bytes_of(value, size)});
    }
    return r;
}

// Errors after which waiting longer cannot help.
bool ends_consumption(rd_kafka_resp_err_t error) {
    switch (error) {
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL: return true;
    default: return false;
    }
}

class consume_loop {
public:
    consume_loop(const kafka_client& consumer, consume_source& source, const common_options& common,
                 const consume_options& options)
        : _consumer(consumer), _source(source), _common(common), _options(options),
          _flush_each(isatty(STDOUT_FILENO) == 1) {}

    // The exit code.
    int run() {
        bool warned_down = false;
        while (!stop_requested) {
            const message_ptr message = _source.poll(poll_interval_ms);
            if (!message) {
                std::fflush(stdout);
                if (_consumer.events().all_brokers_down()) {
                    // With -e the end cannot be reached while they are down; otherwise wait for
                    // them, as kcat does.
                    if (_options.exit_at_end) return fail(_consumer.explain("all brokers are down"));
                    if (!warned_down) print_error("warning: " + _consumer.explain("all brokers are down"));
                    warned_down = true;
                }
                continue;
            }
            if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR || message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                _consumer.events().clear_all_brokers_down(); // they answer again
                warned_down = false;
            }
            if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                _at_end.insert(message->partition);
                if (_options.exit_at_end && every_partition_at_end()) break;
                continue;
            }
            if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                const std::string what = rd_kafka_message_errstr(message.get());
                if (ends_consumption(message->err)) return fail(what);
                if (_common.verbose) print_error("warning: " + what);
                continue;
            }
            print(*message);
            if (_options.count && ++_printed >= *_options.count) break;
        }
        std::fflush(stdout);
        return exit_ok;
    }

private:
    void print(const rd_kafka_message_t& message) {
        _at_end.erase(message.partition);
        const record_view record = view_of(message);
        const record_print_options print{_options.print_key, _options.print_headers, _options.print_offset};
        write_stdout(_common.format == output_format::json ? format_record_json(record)
                                                           : format_record_table(record, print));
        if (_flush_each) std::fflush(stdout);
        // Committed (by the group consumer) only once printed.
        if (_options.group) rd_kafka_offset_store(message.rkt, message.partition, message.offset);
    }

    bool every_partition_at_end() const {
        const std::vector<int32_t> partitions = _source.partitions();
        if (partitions.empty()) return false; // a group consumer not assigned anything yet
        for (const int32_t partition : partitions) {
            if (!_at_end.contains(partition)) return false;
        }
        return true;
    }

    const kafka_client& _consumer;
    consume_source& _source;
    const common_options& _common;
    const consume_options& _options;
    const bool _flush_each; // a terminal sees each record at once
    std::set<int32_t> _at_end;
    int64_t _printed = 0;
};

result<std::unique_ptr<consume_source>> start(const kafka_client& consumer, const common_options& common,
                                              const consume_options& options) {
    if (options.group) return subscribe(consumer, options.topic);
    auto assignment = initial_assignment(consumer, common, options);
    if (!assignment) return failure{assignment.error()};
    return start_partitions(consumer, options.topic, std::move(*assignment));
}

} // namespace

int run_consume(const common_options& common, const consume_options& options) {
    auto consumer = kafka_client::create(RD_KAFKA_CONSUMER, common, consumer_settings(options));
    if (!consumer) return fail(consumer.error());
    const stop_signals signals;
    auto source = start(*consumer, common, options);
    if (!source) return fail(source.error());
    const int exit_code = consume_loop(*consumer, **source, common, options).run();
    (*source)->close();
    return exit_code;
}

} // namespace sluice::cli
