#include "cli/record_format.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

record_view sample() {
    record_view r;
    r.topic = "orders";
    r.partition = 2;
    r.offset = 41;
    r.timestamp_ms = 1700000000123;
    r.key = "k1";
    r.value = "hello";
    r.headers = {{"trace", "abc"}, {"empty", ""}, {"nil", std::nullopt}};
    return r;
}

TEST(record_table, value_only_by_default) {
    EXPECT_EQ(format_record_table(sample(), {}), "hello\n");
}

TEST(record_table, fields_in_console_consumer_order) {
    EXPECT_EQ(format_record_table(sample(), {.key = true, .headers = true, .offset = true}),
              "Partition:2\tOffset:41\ttrace=abc,empty=,nil=null\tk1\thello\n");
    EXPECT_EQ(format_record_table(sample(), {.key = true}), "k1\thello\n");
    EXPECT_EQ(format_record_table(sample(), {.offset = true}), "Partition:2\tOffset:41\thello\n");
}

TEST(record_table, nulls_and_no_headers) {
    record_view r = sample();
    r.key = std::nullopt;
    r.value = std::nullopt;
    r.headers.clear();
    EXPECT_EQ(format_record_table(r, {.key = true, .headers = true}), "\tnull\tnull\n");
}

TEST(record_table, bytes_are_written_as_they_are) {
    record_view r = sample();
    r.value = std::string_view("a\tb\0c", 5);
    EXPECT_EQ(format_record_table(r, {}), std::string("a\tb\0c\n", 6));
}

TEST(record_json, every_field) {
    EXPECT_EQ(format_record_json(sample()),
              R"({"topic":"orders","partition":2,"offset":41,"timestamp":1700000000123,"key":"k1","value":"hello",)"
              R"("headers":[{"key":"trace","value":"abc"},{"key":"empty","value":""},{"key":"nil","value":null}]})"
              "\n");
}

TEST(record_json, nulls_and_escapes) {
    record_view r = sample();
    r.timestamp_ms = std::nullopt;
    r.key = std::nullopt;
    r.value = "line\n\"quoted\"\xFF";
    r.headers.clear();
    EXPECT_EQ(format_record_json(r),
              R"({"topic":"orders","partition":2,"offset":41,"timestamp":null,"key":null,)"
              R"("value":"line\n\"quoted\"\ufffd","headers":[]})"
              "\n");
}

} // namespace
} // namespace sluice::cli
