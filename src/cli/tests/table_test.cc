#include "cli/table.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

TEST(table, aligns_columns_two_spaces_apart_without_trailing_blanks) {
    table t({"TOPIC", "PARTITIONS", "RF"});
    t.add_row({"orders", "3", "1"});
    t.add_row({"a-much-longer-name", "12", "3"});
    EXPECT_EQ(t.render(),
              "TOPIC               PARTITIONS  RF\n"
              "orders              3           1\n"
              "a-much-longer-name  12          3\n");
}

TEST(table, header_only) {
    table t({"A", "B"});
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.render(), "A  B\n");
}

TEST(table, short_rows_are_padded_and_empty_last_cells_leave_no_blanks) {
    table t({"A", "BB", "C"});
    t.add_row({"x"});
    t.add_row({"y", "", "z"});
    EXPECT_EQ(t.render(),
              "A  BB  C\n"
              "x\n"
              "y      z\n");
}

TEST(table, widths_count_code_points_not_bytes) {
    table t({"NAME", "N"});
    t.add_row({"caf\xC3\xA9s", "1"}); // 5 code points, 6 bytes
    EXPECT_EQ(t.render(),
              "NAME   N\n"
              "caf\xC3\xA9s  1\n");
}

} // namespace
} // namespace sluice::cli
