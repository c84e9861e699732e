#include "app/config.h"

#include <charconv>
#include <fstream>
#include <limits>

#include "cluster/broker_config_defs.h"

namespace sluice::app {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

[[noreturn]] void invalid(const std::string& key, const std::string& value, const std::string& why) {
    throw config_error("invalid value '" + value + "' for " + key + ": " + why);
}

int64_t parse_integer(const std::string& key, const std::string& value, int64_t min, int64_t max) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size()) invalid(key, value, "not an integer");
    if (v < min || v > max)
        invalid(key, value, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
}

} // namespace

std::map<std::string, std::string> read_properties_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw config_error("cannot read config file " + path);
    std::map<std::string, std::string> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == '!') continue;
        size_t eq = t.find('=');
        if (eq == std::string::npos || eq == 0)
            throw config_error(path + ":" + std::to_string(number) + ": expected key=value, got '" + t + "'");
        out[trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
    }
    return out;
}

listener_address parse_listener(const std::string& key, const std::string& value) {
    if (value.find(',') != std::string::npos)
        invalid(key, value, "one listener is supported for now");
    size_t sep = value.find("://");
    if (sep == std::string::npos) invalid(key, value, "expected NAME://host:port");
    listener_address out;
    out.name = value.substr(0, sep);
    if (out.name != "PLAINTEXT") invalid(key, value, "only PLAINTEXT listeners are supported for now");
    std::string rest = value.substr(sep + 3);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos) invalid(key, value, "missing port");
    out.host = rest.substr(0, colon);
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
        out.host = out.host.substr(1, out.host.size() - 2);
    out.port = static_cast<uint16_t>(parse_integer(key, rest.substr(colon + 1), 0, 65535));
    return out;
}

void apply_setting(broker_config& c, const std::string& key, const std::string& value) {
    constexpr int64_t int32_max = std::numeric_limits<int32_t>::max();
    c.properties[key] = value;
    if (key == "listeners") {
        c.listener = parse_listener(key, value);
    } else if (key == "advertised.listeners") {
        c.advertised = parse_listener(key, value);
        c.advertised_set = true;
    } else if (key == "node.id" || key == "broker.id") {
        c.node_id = static_cast<int32_t>(parse_integer(key, value, 0, int32_max));
    } else if (key == "log.dirs" || key == "log.dir") {
        if (value.empty()) invalid(key, value, "must name a directory");
        if (value.find(',') != std::string::npos) invalid(key, value, "one log directory is supported for now");
        c.log_dir = value;
    } else if (key == "socket.request.max.bytes") {
        c.socket_request_max_bytes = static_cast<int32_t>(parse_integer(key, value, 1, int32_max));
    } else if (key == "max.connections") {
        c.max_connections = static_cast<int32_t>(parse_integer(key, value, 0, int32_max));
    } else if (key == "max.connections.per.ip") {
        c.max_connections_per_ip = static_cast<int32_t>(parse_integer(key, value, 0, int32_max));
    } else if (key == "connections.max.idle.ms") {
        c.connections_max_idle_ms = parse_integer(key, value, 1, int64_t{365} * 24 * 3600 * 1000);
    } else if (key == "queued.max.request.bytes") {
        c.queued_max_request_bytes = parse_integer(key, value, 1, std::numeric_limits<int64_t>::max());
    } else if (cluster::find_broker_config(key) != nullptr) {
        if (auto bad = cluster::validate_broker_config(key, value)) throw config_error(*bad);
    } else {
        c.unknown_keys.push_back(key);
    }
}

} // namespace sluice::app
