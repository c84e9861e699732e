#pragma once
// config_value: how a configuration value is typed, checked and shown, shared by the topic
// table (topic_config.h) and the broker table (broker_config_defs.h). It is Kafka's ConfigDef
// reduced to what the broker needs, plus the type and source ids DescribeConfigs puts on the
// wire.
//
// Values are read as Kafka's ConfigDef parses them: surrounding blanks trimmed, integers within
// the type's range ('+' and '-' allowed), booleans "true"/"false" in any case, lists split on
// commas (blanks around them dropped). Error messages keep Kafka's ConfigException wording
// ("Invalid value x for configuration k: ...") because clients show them to users unchanged.
//
// Stateless; any thread.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cluster {

// DescribeConfigs v3+ config_type: Kafka's DescribeConfigsResponse.ConfigType ids.
enum class config_type : int8_t {
    unknown = 0,
    boolean = 1,
    string = 2,
    int32 = 3,  // INT
    int16 = 4,  // SHORT
    int64 = 5,  // LONG
    float64 = 6, // DOUBLE
    list = 7,
    class_name = 8, // CLASS
    password = 9,
};

// DescribeConfigs v1+ config_source (of an entry and of each synonym): Kafka's
// DescribeConfigsResponse.ConfigSource ids. Sluice produces topic_config,
// static_broker_config and default_config; there are no dynamic broker configs yet.
enum class config_source : int8_t {
    unknown = 0,
    topic_config = 1,
    dynamic_broker_config = 2,
    dynamic_default_broker_config = 3,
    static_broker_config = 4,
    default_config = 5,
    dynamic_broker_logger_config = 6,
    client_metrics_config = 7,
    group_config = 8,
};

// Kafka's name of a type ("INT", "LONG", ...), as it appears in error messages.
std::string_view config_type_name(config_type type) noexcept;

// What a value must satisfy beyond parsing as its type (Kafka's ConfigDef validators).
enum class value_rule_kind : uint8_t {
    any,
    range,        // a number within [min, max]; either bound may be absent (Range.atLeast/between)
    one_of,       // a string among `choices`, case-sensitive (ValidString.in)
    each_one_of,  // a list whose every element is among `choices` (ValidList.in)
    gzip_level,   // 1..9, or -1 for zlib's default (Kafka's gzip level validator)
    replica_list, // "*" or "partition:broker,..." (Kafka's ThrottledReplicaListValidator)
};

struct value_rule {
    value_rule_kind kind = value_rule_kind::any;
    std::optional<int64_t> min;
    std::optional<int64_t> max;
    std::span<const std::string_view> choices;
};

constexpr value_rule any_value() { return {}; }
constexpr value_rule at_least(int64_t min) { return {value_rule_kind::range, min, std::nullopt, {}}; }
constexpr value_rule between(int64_t min, int64_t max) { return {value_rule_kind::range, min, max, {}}; }
constexpr value_rule one_of(std::span<const std::string_view> choices) {
    return {value_rule_kind::one_of, std::nullopt, std::nullopt, choices};
}
constexpr value_rule each_one_of(std::span<const std::string_view> choices) {
    return {value_rule_kind::each_one_of, std::nullopt, std::nullopt, choices};
}
constexpr value_rule gzip_level() { return {value_rule_kind::gzip_level, std::nullopt, std::nullopt, {}}; }
constexpr value_rule replica_list() { return {value_rule_kind::replica_list, std::nullopt, std::nullopt, {}}; }

// Parses `value` as `type` and checks `rule`. On success returns nullopt and, when
// `canonical` is given, stores the value as Kafka shows it once parsed (ConfigDef's
// convertToString: "007" -> "7", "TRUE" -> "true", "1" -> "1.0" for a double,
// "compact , delete" -> "compact,delete"). On failure returns Kafka's message naming `name`.
std::optional<std::string> check_config_value(std::string_view name, config_type type, const value_rule& rule,
                                              std::string_view value, std::string* canonical = nullptr);

// The enumerations several keys share (Kafka's valid values, in Kafka's order).
inline constexpr std::array<std::string_view, 2> cleanup_policies{"compact", "delete"};
inline constexpr std::array<std::string_view, 6> compression_types{"uncompressed", "zstd",  "lz4",
                                                                   "snappy",       "gzip", "producer"};
inline constexpr std::array<std::string_view, 2> timestamp_types{"CreateTime", "LogAppendTime"};

// Readers of values that passed check_config_value (canonical or not). They assume validity:
// an unparsable text is a programming error and aborts.
int64_t config_int(std::string_view value);
double config_double(std::string_view value);
bool config_bool(std::string_view value);
std::vector<std::string> config_list(std::string_view value);

} // namespace sluice::cluster
