#include "cli/record_format.h"

#include <fmt/format.h>

#include "cli/json_writer.h"

namespace sluice::cli {

namespace {

std::string_view or_null(const std::optional<std::string_view>& bytes) { return bytes ? *bytes : "null"; }

void json_bytes(json_writer& out, const std::optional<std::string_view>& bytes) {
    if (bytes) {
        out.value(*bytes);
    } else {
        out.null();
    }
}

} // namespace

std::string format_record_table(const record_view& record, const record_print_options& print) {
    std::string line;
    if (print.offset)
        fmt::format_to(std::back_inserter(line), "Partition:{}\tOffset:{}\t", record.partition, record.offset);
    if (print.headers) {
        for (size_t i = 0; i < record.headers.size(); ++i) {
            if (i > 0) line.push_back(',');
            line += record.headers[i].key;
            line.push_back('=');
            line += or_null(record.headers[i].value);
        }
        line.push_back('\t');
    }
    if (print.key) {
        line += or_null(record.key);
        line.push_back('\t');
    }
    line += or_null(record.value);
    line.push_back('\n');
    return line;
}

std::string format_record_json(const record_view& record) {
    json_writer out;
    out.begin_object();
    out.key("topic").value(record.topic);
    out.key("partition").value(int64_t{record.partition});
    out.key("offset").value(record.offset);
    out.key("timestamp");
    if (record.timestamp_ms) {
        out.value(*record.timestamp_ms);
    } else {
        out.null();
    }
    out.key("key");
    json_bytes(out, record.key);
    out.key("value");
    json_bytes(out, record.value);
    out.key("headers").begin_array();
    for (const auto& h : record.headers) {
        out.begin_object().key("key").value(h.key).key("value");
        json_bytes(out, h.value);
        out.end_object();
    }
    out.end_array().end_object();
    return out.text() + "\n";
}

} // namespace sluice::cli
