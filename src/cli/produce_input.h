#pragma once
// produce_input: what `sluice produce` makes of each input line, and the summary it prints.
// A line is one record; the trailing '\n' is not part of it, every other byte is ('\r'
// included). With --key-separator the line is split at the separator's first occurrence.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cli/options.h"

namespace sluice::cli {

struct input_record {
    std::optional<std::string_view> key; // nullopt: a null key
    std::string_view value;
};

// Views into `line` (and options.key); nullopt when a --key-separator line has no separator.
std::optional<input_record> parse_input_line(std::string_view line, const produce_options& options);

// "produced N records\n", or {"produced":N,"partitions":{"P":n,...}}.
std::string format_produce_summary(const std::map<int32_t, int64_t>& delivered_per_partition, output_format format);

} // namespace sluice::cli
