#include "cli/produce_input.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

TEST(produce_input, a_line_is_the_value_with_a_null_key) {
    produce_options o;
    auto r = parse_input_line("hello world", o);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->key);
    EXPECT_EQ(r->value, "hello world");
    EXPECT_EQ(parse_input_line("", o)->value, "");
}

TEST(produce_input, a_fixed_key_for_every_line) {
    produce_options o;
    o.key = "K";
    auto r = parse_input_line("v", o);
    EXPECT_EQ(r->key, "K");
    EXPECT_EQ(r->value, "v");
}

TEST(produce_input, key_separator_splits_at_its_first_occurrence) {
    produce_options o;
    o.key_separator = "::";
    auto r = parse_input_line("user-1::a::b", o);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->key, "user-1");
    EXPECT_EQ(r->value, "a::b");
    auto empty = parse_input_line("::v", o);
    EXPECT_EQ(empty->key, ""); // an empty key, not a null one
    EXPECT_EQ(empty->value, "v");
    EXPECT_FALSE(parse_input_line("no separator", o));
}

TEST(produce_input, summary) {
    EXPECT_EQ(format_produce_summary({}, output_format::table), "produced 0 records\n");
    EXPECT_EQ(format_produce_summary({{0, 1}}, output_format::table), "produced 1 record\n");
    EXPECT_EQ(format_produce_summary({{0, 2}, {3, 5}}, output_format::table), "produced 7 records\n");
    EXPECT_EQ(format_produce_summary({{0, 2}, {3, 5}}, output_format::json),
              "{\"produced\":7,\"partitions\":{\"0\":2,\"3\":5}}\n");
    EXPECT_EQ(format_produce_summary({}, output_format::json), "{\"produced\":0,\"partitions\":{}}\n");
}

} // namespace
} // namespace sluice::cli
