#include "cluster/config_value.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "base/assert.h"

namespace sluice::cluster {

namespace {

// Java's String.trim(): every character up to and including ' '.
std::string_view trim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    return s;
}

// Java's Integer/Long/Short.parseXxx: optional sign, decimal digits, within the type.
std::optional<int64_t> parse_integer(std::string_view text, int64_t min, int64_t max) {
    if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

// Decimal or scientific, optional sign, finite. Java also takes hex floats, a 'd'/'f' suffix,
// NaN and Infinity; no config is set that way in practice, and NaN would pass every range.
std::optional<double> parse_double(std::string_view text) {
    if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Java's Double.toString of a finite value: plain decimal with at least one fractional digit inside
// [1e-3, 1e7), otherwise "d.dddE[-]n"; both the shortest digits that read back exactly.
std::string format_double(double value) {
    if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
    char buf[64];
    double magnitude = std::fabs(value);
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
        std::string out(buf, end);
        if (out.find('.') == std::string::npos) out += ".0";
        return out;
    }
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string text(buf, end);
    size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    int exponent = std::stoi(text.substr(e + 1));
    return mantissa + "E" + std::to_string(exponent);
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    text = trim(text);
    if (text.empty()) return out;
    while (true) {
        size_t comma = text.find(',');
        out.emplace_back(trim(text.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? std::string(separator) : "") + items[i];
    return out;
}

std::string invalid(std::string_view name, std::string_view shown_value, std::string_view why) {
    return "Invalid value " + std::string(shown_value) + " for configuration " + std::string(name) + ": " +
           std::string(why);
}

std::string choices_text(std::span<const std::string_view> choices) {
    std::string out;
    for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + std::string(choices[i]);
    return out;
}

bool is_choice(std::span<const std::string_view> choices, std::string_view s) {
    for (std::string_view c : choices)
        if (c == s) return true;
    return false;
}

// Kafka accepts each element trimmed being empty or "<digits>:<digits>", or the whole list
// joined being exactly "*".
bool is_replica_list(const std::vector<std::string>& items) {
    if (join(items, "") == "*") return true;
    for (const std::string& item : items) {
        if (item.empty()) continue;
        size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) return false;
        for (size_t i = 0; i < item.size(); ++i)
            if (i != colon && (item[i] < '0' || item[i] > '9')) return false;
    }
    return true;
}

std::optional<std::string> check_range(std::string_view name, const value_rule& rule, double value,
                                       const std::string& shown) {
    if (rule.min && value < static_cast<double>(*rule.min))
        return invalid(name, shown, "Value must be at least " + std::to_string(*rule.min));
    if (rule.max && value > static_cast<double>(*rule.max))
        return invalid(name, shown, "Value must be no more than " + std::to_string(*rule.max));
    return std::nullopt;
}

// Integer types: the range is checked exactly (a double would round int64 bounds).
std::optional<std::string> check_integer_range(std::string_view name, const value_rule& rule, int64_t value) {
    std::string shown = std::to_string(value);
    if (rule.kind == value_rule_kind::gzip_level) {
        if (value == -1 || (value >= 1 && value <= 9)) return std::nullopt;
        return invalid(name, shown, "Value must be between 1 and 9 or equal to -1");
    }
    if (rule.kind != value_rule_kind::range) return std::nullopt;
    if (rule.min && value < *rule.min)
        return invalid(name, shown, "Value must be at least " + std::to_string(*rule.min));
    if (rule.max && value > *rule.max)
        return invalid(name, shown, "Value must be no more than " + std::to_string(*rule.max));
    return std::nullopt;
}

struct integer_bounds {
    int64_t min, max;
};

integer_bounds bounds_of(config_type type) {
    switch (type) {
    case config_type::int16: return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
    case config_type::int32: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default: return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
    }
}

} // namespace

std::string_view config_type_name(config_type type) noexcept {
    switch (type) {
    case config_type::boolean: return "BOOLEAN";
    case config_type::string: return "STRING";
    case config_type::int32: return "INT";
    case config_type::int16: return "SHORT";
    case config_type::int64: return "LONG";
    case config_type::float64: return "DOUBLE";
    case config_type::list: return "LIST";
    case config_type::class_name: return "CLASS";
    case config_type::password: return "PASSWORD";
    case config_type::unknown: break;
    }
    return "UNKNOWN";
}

std::optional<std::string> check_config_value(std::string_view name, config_type type, const value_rule& rule,
                                              std::string_view value, std::string* canonical) {
    std::string_view trimmed = trim(value);
    std::string out;
    switch (type) {
    case config_type::int16:
    case config_type::int32:
    case config_type::int64: {
        integer_bounds b = bounds_of(type);
        std::optional<int64_t> v = parse_integer(trimmed, b.min, b.max);
        if (!v) return invalid(name, value, "Not a number of type " + std::string(config_type_name(type)));
        if (auto error = check_integer_range(name, rule, *v)) return error;
        out = std::to_string(*v);
        break;
    }
    case config_type::float64: {
        std::optional<double> v = parse_double(trimmed);
        if (!v) return invalid(name, value, "Not a number of type DOUBLE");
        out = format_double(*v);
        if (rule.kind == value_rule_kind::range)
            if (auto error = check_range(name, rule, *v, out)) return error;
        break;
    }
    case config_type::boolean: {
        auto equals_ignoring_case = [](std::string_view a, std::string_view b) {
            if (a.size() != b.size()) return false;
            for (size_t i = 0; i < a.size(); ++i)
                if ((a[i] | 0x20) != b[i]) return false;
            return true;
        };
        if (equals_ignoring_case(trimmed, "true")) out = "true";
        else if (equals_ignoring_case(trimmed, "false")) out = "false";
        else return invalid(name, value, "Expected value to be either true or false");
        break;
    }
    case config_type::list: {
        std::vector<std::string> items = split_list(value);
        if (rule.kind == value_rule_kind::each_one_of) {
            for (const std::string& item : items)
                if (!is_choice(rule.choices, item))
                    return invalid(name, item, "String must be one of: " + choices_text(rule.choices));
        } else if (rule.kind == value_rule_kind::replica_list && !is_replica_list(items)) {
            return invalid(name, "[" + join(items, ", ") + "]",
                           std::string(name) +
                               " must be the literal '*' or a list of replicas in the following format: "
                               "[partitionId]:[brokerId],[partitionId]:[brokerId],...");
        }
        out = join(items, ",");
        break;
    }
    case config_type::string:
    case config_type::class_name:
        out = std::string(trimmed);
        if (rule.kind == value_rule_kind::one_of && !is_choice(rule.choices, out))
            return invalid(name, out, "String must be one of: " + choices_text(rule.choices));
        break;
    case config_type::password:
    case config_type::unknown:
        out = std::string(value);
        break;
    }
    if (canonical) *canonical = std::move(out);
    return std::nullopt;
}

int64_t config_int(std::string_view value) {
    std::optional<int64_t> v =
        parse_integer(trim(value), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    SLUICE_ASSERT(v.has_value(), "config value was checked as an integer");
    return *v;
}

double config_double(std::string_view value) {
    std::optional<double> v = parse_double(trim(value));
    SLUICE_ASSERT(v.has_value(), "config value was checked as a double");
    return *v;
}

bool config_bool(std::string_view value) {
    std::string canonical;
    bool invalid_value = check_config_value("", config_type::boolean, {}, value, &canonical).has_value();
    SLUICE_ASSERT(!invalid_value, "config value was checked as a boolean");
    return canonical == "true";
}

std::vector<std::string> config_list(std::string_view value) { return split_list(value); }

} // namespace sluice::cluster
