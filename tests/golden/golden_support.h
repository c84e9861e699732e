#pragma once
// What the golden tests share: a capture server with its fake broker per test, running the
// clients, building the JSON specs the client scripts read, and taking captured requests
// apart with the generated decoders.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "golden/capture_server.h"
#include "golden/client_process.h"
#include "golden/decoded_batch.h"
#include "golden/fake_broker.h"
#include "protocol/error_code.h"

// Readable failure messages for the protocol enums the tests compare (found by ADL).
namespace sluice::protocol {
inline void PrintTo(compression_type type, std::ostream* os) { *os << to_string(type); }
inline void PrintTo(batch_error error, std::ostream* os) { *os << to_string(error); }
inline void PrintTo(error_code code, std::ostream* os) { *os << name(code); }
} // namespace sluice::protocol

namespace sluice::golden {

// Every client gets this long, and a test runs at most two, so each test ends within 30 s.
// The client scripts' own deadlines (flush, poll) are shorter, so they fail with a message.
inline constexpr std::chrono::seconds client_timeout{12};
inline constexpr const char* python = "/usr/bin/python3";

// A value that compresses well even alone in a batch. librdkafka and kafka-python send a
// batch uncompressed when compression does not make it smaller, and how a client splits
// records into batches depends on timing: the codec tests need every batch compressible.
inline std::string padded_value(int i) {
    std::string v = "golden value " + std::to_string(i);
    for (int k = 0; k < 12; ++k) v += " the quick brown fox";
    return v;
}

// The record batch codecs, as test parameters named like the clients name them.
struct codec_case {
    const char* name;
    protocol::compression_type type;
};
inline constexpr codec_case codecs[] = {
    {"none", protocol::compression_type::none}, {"gzip", protocol::compression_type::gzip},
    {"snappy", protocol::compression_type::snappy}, {"lz4", protocol::compression_type::lz4},
    {"zstd", protocol::compression_type::zstd}};
inline std::string codec_name(const ::testing::TestParamInfo<codec_case>& info) { return info.param.name; }
inline void PrintTo(const codec_case& codec, std::ostream* os) { *os << codec.name; }

// A fresh one-node fake cluster per test, on its own ephemeral port.
class golden_test : public ::testing::Test {
protected:
    explicit golden_test(int32_t partitions_per_topic = 1)
        : _broker(options_for(_server, partitions_per_topic)) {
        _server.start(_broker);
    }
    // The server thread calls the broker: it must end before the broker (declared after the
    // server, so destroyed first) goes.
    ~golden_test() override { _server.stop(); }

    uint16_t port() const { return _server.port(); }
    std::string bootstrap() const { return "127.0.0.1:" + std::to_string(_server.port()); }
    // Every request so far; call it once the clients have exited.
    std::vector<captured_request> captured() {
        EXPECT_TRUE(_server.wait_until_idle(client_timeout)) << "a connection is still open";
        return _server.captured();
    }

    // Runs `script` (in tests/golden/clients) with the system python and `spec` on stdin.
    process_result run_script(const std::string& script, const std::string& spec) const;
    // Runs kcat with `args` after "-b <bootstrap>", `input` on stdin.
    process_result run_kcat(std::vector<std::string> args, const std::string& input) const;

private:
    static fake_broker_options options_for(const capture_server& server, int32_t partitions_per_topic) {
        fake_broker_options options;
        options.port = server.port();
        options.partitions_per_topic = partitions_per_topic;
        return options;
    }

    capture_server _server;
    fake_broker _broker;
};

// Sends `frame` (a request without its size prefix) on a new connection to 127.0.0.1:`port`
// and returns the response frame without its size prefix; empty on failure or timeout.
protocol::bytes_value exchange_frame(uint16_t port, const protocol::bytes_value& frame,
                                     std::chrono::milliseconds timeout);

// Empty when `module` imports in the system python, else why not (for GTEST_SKIP).
std::string python_module_missing(const std::string& module);

// JSON as Python's json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes it.
std::string json_quote(const std::optional<std::string>& s);
std::string json_messages(const std::vector<message>& messages);

// The requests of one API, in arrival order.
std::vector<captured_request> requests_of(const std::vector<captured_request>& all, int16_t api_key);

// Decodes a captured request body with the generated decoder at its version.
template <typename M>
M decode_as(const captured_request& request) {
    M m;
    EXPECT_TRUE(m.decode(request.body, request.api_version))
        << M::message_name << " v" << request.api_version << " does not decode";
    return m;
}

// Decodes a consumer protocol payload (JoinGroup metadata, SyncGroup assignment): an int16
// version, then the message at that version (a newer version is read as the newest we know,
// as Kafka's ConsumerProtocol does). Also checks that it re-encodes to the same bytes.
template <typename M>
M decode_versioned(const protocol::bytes_value& bytes) {
    M m;
    if (bytes.size() < 2) { ADD_FAILURE() << M::message_name << ": no version"; return m; }
    const int16_t version = std::min<int16_t>(static_cast<int16_t>(bytes[0] << 8 | bytes[1]), M::max_version);
    const byte_view body = byte_view(bytes).subspan(2);
    EXPECT_TRUE(m.decode(body, version)) << M::message_name << " v" << version << " does not decode";
    const protocol::bytes_value again = m.encode(version);
    EXPECT_TRUE(std::equal(again.begin(), again.end(), body.begin(), body.end()))
        << M::message_name << " v" << version << " re-encodes differently";
    return m;
}

// Checks that every captured request has a decodable header and body and that encoding the
// decoded header and body reproduces the captured bytes exactly.
void expect_all_reencode(const std::vector<captured_request>& all);

// The first request on every connection must be ApiVersions at `version`, naming the client
// software (KIP-511, v3+).
void expect_api_versions_first(const std::vector<captured_request>& all, int16_t version,
                               const std::string& software_name);

// Some Metadata request names `topic`.
void expect_metadata_names(const std::vector<captured_request>& all, const std::string& topic);

struct produced_batch {
    int32_t partition = 0;
    int16_t acks = 0;
    decoded_batch batch;
};
// Every batch produced to `topic`, in arrival order.
std::vector<produced_batch> produced_to(const std::vector<captured_request>& all, const std::string& topic);

// Checks one batch as every client should write it: magic 2, valid CRC, accepted by the
// broker's validation, offset deltas 0..n-1 and a consistent record count.
void expect_well_formed(const decoded_batch& batch, protocol::compression_type codec);

// The messages of `batches`, in order.
std::vector<message> messages_of(const std::vector<produced_batch>& batches);

} // namespace sluice::golden
