#include "cli/kafka_client.h"

namespace sluice::cli {

namespace {

void on_error(rd_kafka_t*, int error, const char* reason, void* opaque) {
    static_cast<client_events*>(opaque)->record(static_cast<rd_kafka_resp_err_t>(error), reason);
}

struct conf_deleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};

result<bool> set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char error[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
        return failure{"property " + key + "=" + value + ": " + error};
    return true;
}

} // namespace

void client_events::record(rd_kafka_resp_err_t error, const char* reason) {
    std::lock_guard lock(_mutex);
    if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
        _all_brokers_down = true;
        // "1/1 brokers are down" says less than the connection error before it.
        if (!_last_error.empty()) return;
    }
    _last_error = reason ? reason : rd_kafka_err2str(error);
}

void client_events::clear_all_brokers_down() {
    std::lock_guard lock(_mutex);
    _all_brokers_down = false;
}

std::string client_events::last_error() const {
    std::lock_guard lock(_mutex);
    return _last_error;
}

bool client_events::all_brokers_down() const {
    std::lock_guard lock(_mutex);
    return _all_brokers_down;
}

result<kafka_client> kafka_client::create(rd_kafka_type_t type, const common_options& common,
                                          const std::vector<key_value>& settings,
                                          void (*callbacks)(rd_kafka_conf_t*)) {
    std::unique_ptr<rd_kafka_conf_t, conf_deleter> conf(rd_kafka_conf_new());
    std::vector<key_value> all = {{"bootstrap.servers", common.brokers}, {"client.id", "sluice-cli"}};
    all.insert(all.end(), settings.begin(), settings.end());
    all.insert(all.end(), common.properties.begin(), common.properties.end());
    for (const auto& kv : all) {
        if (auto done = set(conf.get(), kv.key, kv.value); !done) return failure{done.error()};
    }
    if (!common.verbose) rd_kafka_conf_set_log_cb(conf.get(), nullptr);
    auto events = std::make_unique<client_events>();
    rd_kafka_conf_set_error_cb(conf.get(), on_error);
    rd_kafka_conf_set_opaque(conf.get(), events.get());
    if (callbacks) callbacks(conf.get());

    char error[512];
    rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error, sizeof error);
    if (handle == nullptr) return failure{std::string("cannot create the Kafka client: ") + error};
    conf.release(); // rd_kafka_new took it
    return kafka_client(std::move(events), kafka_handle(handle));
}

std::string kafka_client::explain(const std::string& message) const {
    std::string last = _events->last_error();
    return last.empty() ? message : message + " (last error: " + last + ")";
}

} // namespace sluice::cli
