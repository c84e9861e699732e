#pragma once
// record_format: how `sluice consume` prints one record.
//
// table: one line per record, tab-separated, in the order of Kafka's console consumer
//   [Partition:P<TAB>Offset:O<TAB>] [h1=v1,h2=v2<TAB>] [key<TAB>] value
//   (bracketed parts only with --print-offset / --print-headers / --print-key; a null key,
//   value or header value prints as `null`). Bytes are written as they are.
// json: one object per line,
//   {"topic":..,"partition":..,"offset":..,"timestamp":..,"key":..,"value":..,"headers":[{"key":..,"value":..}]}
//   with null for a null key/value/header value or a missing timestamp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

struct record_header {
    std::string_view key;
    std::optional<std::string_view> value;
};

// Views into a consumed message; valid while the message is.
struct record_view {
    std::string_view topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::optional<int64_t> timestamp_ms;
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    std::vector<record_header> headers;
};

struct record_print_options {
    bool key = false;
    bool headers = false;
    bool offset = false;
};

// One line, '\n' included.
std::string format_record_table(const record_view& record, const record_print_options& print);
std::string format_record_json(const record_view& record);

} // namespace sluice::cli
