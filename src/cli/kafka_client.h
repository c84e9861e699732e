#pragma once
// kafka_client: one librdkafka handle (producer or consumer) configured from the common
// options. Owns the handle and the state its error callback writes; destroying it destroys
// the handle (a consumer must be closed first, see consume_command.cc).
//
// Configuration order: bootstrap.servers and the CLI's defaults, then the command's settings,
// then every -X property, so the user always has the last word.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/options.h"
#include "cli/result.h"

namespace sluice::cli {

// What librdkafka reported through error_cb. The callback runs on whichever thread polls the
// handle; readers may be elsewhere, hence the mutex.
class client_events {
public:
    void record(rd_kafka_resp_err_t error, const char* reason);
    // The most recent error's text, empty when there was none.
    std::string last_error() const;
    // Set by ALL_BROKERS_DOWN, until the holder sees the brokers answer again and clears it.
    bool all_brokers_down() const;
    void clear_all_brokers_down();

private:
    mutable std::mutex _mutex;
    std::string _last_error;
    bool _all_brokers_down = false;
};

struct kafka_handle_deleter {
    void operator()(rd_kafka_t* handle) const noexcept { rd_kafka_destroy(handle); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_handle_deleter>;

class kafka_client {
public:
    // `callbacks` may set the command's callbacks (delivery reports) on the configuration;
    // the handle's opaque is taken (client_events), so they must get their state elsewhere.
    static result<kafka_client> create(rd_kafka_type_t type, const common_options& common,
                                       const std::vector<key_value>& settings,
                                       void (*callbacks)(rd_kafka_conf_t*) = nullptr);

    rd_kafka_t* get() const noexcept { return _handle.get(); }
    client_events& events() const noexcept { return *_events; }
    // `message`, plus librdkafka's last reported error when there is one: a timeout says
    // little on its own, "Connect to ipv4#127.0.0.1:9092 failed: Connection refused" says why.
    std::string explain(const std::string& message) const;

private:
    kafka_client(std::unique_ptr<client_events> events, kafka_handle handle)
        : _events(std::move(events)), _handle(std::move(handle)) {}

    std::unique_ptr<client_events> _events; // the handle's opaque: outlives the handle
    kafka_handle _handle;
};

} // namespace sluice::cli
