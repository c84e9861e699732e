#include "golden/golden_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/endian.h"
#include "protocol/generated/all_messages.h"
#include "protocol/registry.h"

namespace sluice::golden {

namespace msg = protocol::msg;

process_result golden_test::run_script(const std::string& script, const std::string& spec) const {
    return run_process({python, std::string(SLUICE_GOLDEN_CLIENTS_DIR) + "/" + script}, spec, client_timeout);
}

process_result golden_test::run_kcat(std::vector<std::string> args, const std::string& input) const {
    args.insert(args.begin(), {find_program("kcat"), "-b", bootstrap()});
    return run_process(args, input, client_timeout);
}

protocol::bytes_value exchange_frame(uint16_t port, const protocol::bytes_value& frame,
                                     std::chrono::milliseconds timeout) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {};
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    protocol::bytes_value out(4), in;
    be::store<int32_t>(out.data(), static_cast<int32_t>(frame.size()));
    out.insert(out.end(), frame.begin(), frame.end());
    auto read_exactly = [&](size_t n) {
        const size_t at = in.size();
        in.resize(at + n);
        for (size_t got = 0; got < n;) {
            ssize_t r = recv(fd, in.data() + at + got, n - got, 0);
            if (r <= 0) return false;
            got += static_cast<size_t>(r);
        }
        return true;
    };
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
              send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size()) && read_exactly(4);
    if (ok) {
        const int32_t size = be::load<int32_t>(in.data());
        in.clear();
        ok = size >= 0 && read_exactly(static_cast<size_t>(size));
    }
    close(fd);
    return ok ? in : protocol::bytes_value{};
}

std::string python_module_missing(const std::string& module) {
    if (find_program(python).empty()) return std::string(python) + " is not installed";
    process_result r = run_process({python, "-c", "import " + module}, "", std::chrono::seconds(10));
    if (r.ok()) return {};
    // The traceback's last line says it ("ModuleNotFoundError: No module named ...").
    std::string_view err = r.err;
    while (!err.empty() && err.back() == '\n') err.remove_suffix(1);
    return "python module " + module + " is not available (" + std::string(err.substr(err.rfind('\n') + 1)) + ")";
}

std::string json_quote(const std::optional<std::string>& s) {
    if (!s) return "null";
    std::string out = "\"";
    for (char c : *s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
    return out + "\"";
}

std::string json_messages(const std::vector<message>& messages) {
    std::string out = "[";
    for (const message& m : messages) {
        if (out.size() > 1) out += ",";
        out += "{\"key\":" + json_quote(m.key) + ",\"value\":" + json_quote(m.value) + ",\"headers\":[";
        for (size_t i = 0; i < m.headers.size(); ++i)
            out += (i ? ",[" : "[") + json_quote(m.headers[i].key) + "," + json_quote(m.headers[i].value) + "]";
        out += "]}";
    }
    return out + "]";
}

std::vector<captured_request> requests_of(const std::vector<captured_request>& all, int16_t api_key) {
    std::vector<captured_request> out;
    for (const captured_request& r : all)
        if (r.api_key == api_key) out.push_back(r);
    return out;
}

void expect_all_reencode(const std::vector<captured_request>& all) {
    static const bool dump = std::getenv("SLUICE_GOLDEN_DUMP") != nullptr;
    for (const captured_request& r : all) {
        SCOPED_TRACE("api " + std::to_string(r.api_key) + " v" + std::to_string(r.api_version) +
                     " on connection " + std::to_string(r.connection));
        ASSERT_TRUE(r.header_decoded) << "request header v" << r.header_version << " does not decode";
        EXPECT_EQ(r.header.encode(r.header_version), r.header_bytes) << "request header re-encodes differently";
        bool same = false;
        std::string json;
        ASSERT_TRUE(protocol::decode_message(r.api_key, protocol::message_role::request, r.api_version, r.body,
                                             &json, &same))
            << "body does not decode";
        EXPECT_TRUE(same) << "body re-encodes differently: " << json;
        // SLUICE_GOLDEN_DUMP=1 prints every request as decoded, to see what a client sends.
        if (dump) {
            std::fprintf(stderr, "[golden] connection %d: %s v%d header %s\n  %s\n", r.connection,
                         protocol::find_api(r.api_key)->name, r.api_version,
                         r.header.to_json(r.header_version).c_str(), json.c_str());
        }
    }
}

void expect_api_versions_first(const std::vector<captured_request>& all, int16_t version,
                               const std::string& software_name) {
    std::vector<int> seen;
    for (const captured_request& r : all) {
        if (std::find(seen.begin(), seen.end(), r.connection) != seen.end()) continue;
        seen.push_back(r.connection);
        SCOPED_TRACE("connection " + std::to_string(r.connection));
        ASSERT_EQ(r.api_key, msg::api_versions_request::api_key);
        EXPECT_EQ(r.api_version, version);
        auto request = decode_as<msg::api_versions_request>(r);
        EXPECT_EQ(request.client_software_name, software_name);
        if (version >= 3) {
            EXPECT_FALSE(request.client_software_version.empty());
        }
    }
    EXPECT_FALSE(seen.empty()) << "no request at all";
}

void expect_metadata_names(const std::vector<captured_request>& all, const std::string& topic) {
    bool named = false;
    for (const captured_request& r : requests_of(all, msg::metadata_request::api_key)) {
        auto request = decode_as<msg::metadata_request>(r);
        if (!request.topics) continue;
        for (const auto& t : *request.topics) named = named || t.name == topic;
    }
    EXPECT_TRUE(named) << "no Metadata request names " << topic;
}

std::vector<produced_batch> produced_to(const std::vector<captured_request>& all, const std::string& topic) {
    std::vector<produced_batch> out;
    for (const captured_request& r : requests_of(all, msg::produce_request::api_key)) {
        auto request = decode_as<msg::produce_request>(r);
        for (const auto& topic_data : request.topic_data) {
            if (topic_data.name != topic) continue;
            for (const auto& partition : topic_data.partition_data) {
                if (!partition.records) { ADD_FAILURE() << "null records"; continue; }
                std::string error;
                auto batches = decode_batches(partition.records->data, error);
                if (!batches) { ADD_FAILURE() << error; continue; }
                for (decoded_batch& b : *batches) out.push_back({partition.index.value(), request.acks, std::move(b)});
            }
        }
    }
    return out;
}

void expect_well_formed(const decoded_batch& batch, protocol::compression_type codec) {
    EXPECT_EQ(batch.magic, 2);
    EXPECT_EQ(batch.compression, codec);
    EXPECT_TRUE(batch.crc_ok);
    EXPECT_EQ(batch.validation, protocol::batch_error::none) << protocol::to_string(batch.validation);
    EXPECT_EQ(batch.base_offset, 0); // producers leave offsets to the broker
    EXPECT_EQ(batch.records_count, static_cast<int32_t>(batch.records.size()));
    EXPECT_EQ(batch.last_offset_delta, batch.records_count - 1);
    for (size_t i = 0; i < batch.records.size(); ++i) EXPECT_EQ(batch.records[i].offset_delta, static_cast<int32_t>(i));
}

std::vector<message> messages_of(const std::vector<produced_batch>& batches) {
    std::vector<message> out;
    for (const produced_batch& b : batches)
        for (const decoded_record& r : b.batch.records) out.push_back(r.content);
    return out;
}

} // namespace sluice::golden
