#include "cli/produce_input.h"

#include "cli/json_writer.h"

namespace sluice::cli {

std::optional<input_record> parse_input_line(std::string_view line, const produce_options& options) {
    if (!options.key_separator) {
        input_record record{.key = std::nullopt, .value = line};
        if (options.key) record.key = std::string_view(*options.key);
        return record;
    }
    const size_t at = line.find(*options.key_separator);
    if (at == std::string_view::npos) return std::nullopt;
    return input_record{.key = line.substr(0, at), .value = line.substr(at + options.key_separator->size())};
}

std::string format_produce_summary(const std::map<int32_t, int64_t>& delivered_per_partition, output_format format) {
    int64_t total = 0;
    for (const auto& [partition, count] : delivered_per_partition) total += count;
    if (format == output_format::table)
        return "produced " + std::to_string(total) + (total == 1 ? " record\n" : " records\n");
    json_writer out;
    out.begin_object().key("produced").value(total).key("partitions").begin_object();
    for (const auto& [partition, count] : delivered_per_partition) out.key(std::to_string(partition)).value(count);
    out.end_object().end_object();
    return out.text() + "\n";
}

} // namespace sluice::cli
