#include "cli/json_writer.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(json_string, escapes_quotes_backslashes_and_control_characters) {
    EXPECT_EQ(quoted("plain"), R"("plain")");
    EXPECT_EQ(quoted(""), R"("")");
    EXPECT_EQ(quoted("a\"b\\c/d"), R"("a\"b\\c/d")");
    EXPECT_EQ(quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
    EXPECT_EQ(quoted(std::string_view("\0\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
}

TEST(json_string, keeps_valid_utf8) {
    EXPECT_EQ(quoted("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    EXPECT_EQ(quoted("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\""); // U+FFFF
    EXPECT_EQ(quoted("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\""); // U+10FFFF
}

TEST(json_string, replaces_each_invalid_byte) {
    EXPECT_EQ(quoted("a\xFF" "b"), R"("a\ufffdb")");
    EXPECT_EQ(quoted("\xC3"), R"("\ufffd")");                       // truncated sequence
    EXPECT_EQ(quoted("\xC0\xAF"), R"("\ufffd\ufffd")");             // overlong '/'
    EXPECT_EQ(quoted("\xE0\x80\xAF"), R"("\ufffd\ufffd\ufffd")");   // overlong
    EXPECT_EQ(quoted("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");   // surrogate U+D800
    EXPECT_EQ(quoted("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")"); // above U+10FFFF
    EXPECT_EQ(quoted("\x80z"), R"("\ufffdz")");                     // lone continuation
}

TEST(json_writer, nests_with_commas_in_the_right_places) {
    json_writer w;
    w.begin_object();
    w.key("a").value(int64_t{1});
    w.key("b").begin_array().value("x").null().boolean(true).begin_object().end_object().end_array();
    w.key("c").begin_object().key("d").value(int64_t{-2}).end_object();
    w.key("e").begin_array().end_array();
    w.end_object();
    EXPECT_EQ(w.text(), R"({"a":1,"b":["x",null,true,{}],"c":{"d":-2},"e":[]})");
}

TEST(json_writer, top_level_array) {
    json_writer w;
    w.begin_array().value(int64_t{9223372036854775807}).value(int64_t{-9223372036854775807 - 1}).end_array();
    EXPECT_EQ(w.text(), "[9223372036854775807,-9223372036854775808]");
}

} // namespace
} // namespace sluice::cli
