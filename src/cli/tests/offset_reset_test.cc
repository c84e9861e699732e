#include "cli/offset_reset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>

namespace sluice::cli {
namespace {

partition_position position(int64_t log_start, int64_t log_end, std::optional<int64_t> committed = std::nullopt,
                            std::optional<int64_t> at_timestamp = std::nullopt) {
    partition_position p;
    p.log_start = log_start;
    p.log_end = log_end;
    p.committed = committed;
    p.at_timestamp = at_timestamp;
    return p;
}

TEST(parse_topic_partitions, a_topic_alone_means_every_partition) {
    auto parsed = parse_topic_partitions("orders");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(*parsed, (topic_partitions{"orders", {}}));
}

TEST(parse_topic_partitions, partitions_after_the_last_colon) {
    auto parsed = parse_topic_partitions("orders:0,2,5");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(*parsed, (topic_partitions{"orders", {0, 2, 5}}));
    // Topic names cannot hold ':' in Kafka, but the last one is the separator regardless.
    auto odd = parse_topic_partitions("a:b:1");
    ASSERT_TRUE(odd) << odd.error();
    EXPECT_EQ(*odd, (topic_partitions{"a:b", {1}}));
}

TEST(parse_topic_partitions, rejects_malformed_lists) {
    for (const char* text : {":1", "t:", "t:1,", "t:,1", "t:x", "t:-1", "t:1 ", "t:1,1", "t:99999999999"}) {
        auto parsed = parse_topic_partitions(text);
        EXPECT_FALSE(parsed) << text;
    }
    EXPECT_EQ(parse_topic_partitions("t:1,1").error(), "--topic 't:1,1': partition 1 twice");
}

TEST(parse_datetime, utc_and_offsets) {
    // 2024-03-01T12:34:56Z = 1709296496 s.
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34:56Z"), 1'709'296'496'000);
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34:56.789Z"), 1'709'296'496'789);
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34:56.7Z"), 1'709'296'496'700);
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34:56.123456Z"), 1'709'296'496'123); // truncated to ms
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34Z"), 1'709'296'440'000);
    EXPECT_EQ(*parse_datetime("2024-03-01T14:34:56+02:00"), 1'709'296'496'000);
    EXPECT_EQ(*parse_datetime("2024-03-01T14:34:56+0200"), 1'709'296'496'000);
    EXPECT_EQ(*parse_datetime("2024-03-01T14:34:56+02"), 1'709'296'496'000);
    EXPECT_EQ(*parse_datetime("2024-03-01T07:04:56.000-05:30"), 1'709'296'496'000);
    EXPECT_EQ(*parse_datetime("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(*parse_datetime("2024-02-29T00:00:00Z"), 1'709'164'800'000); // a leap day
}

TEST(parse_datetime, without_a_zone_is_local_time) {
    const char* saved = std::getenv("TZ");
    const std::optional<std::string> previous = saved ? std::optional<std::string>(saved) : std::nullopt;
    // POSIX zone strings: no tz database needed. EST5 is UTC-5 all year.
    setenv("TZ", "EST5", 1);
    tzset();
    EXPECT_EQ(*parse_datetime("2024-03-01T07:34:56.250"), 1'709'296'496'250);
    setenv("TZ", "UTC0", 1);
    tzset();
    EXPECT_EQ(*parse_datetime("2024-03-01T12:34:56"), 1'709'296'496'000);
    if (previous) {
        setenv("TZ", previous->c_str(), 1);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

TEST(parse_datetime, rejects_what_is_not_a_date_and_time) {
    for (const char* text : {"", "2024-03-01", "2024-03-01 12:00:00", "2024-3-01T12:00:00Z", "2024-02-30T00:00:00Z",
                             "2023-02-29T00:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T12:60:00Z",
                             "2024-03-01T12:00:60Z", "2024-03-01T12:00:00.Z", "2024-03-01T12:00:00X",
                             "2024-03-01T12:00:00+25:00", "2024-03-01T12:00:00+02:0", "2024-03-01T12:00:00Zjunk",
                             "1709296496000"}) {
        auto parsed = parse_datetime(text);
        EXPECT_FALSE(parsed) << text;
    }
    EXPECT_NE(parse_datetime("yesterday").error().find("expected YYYY-MM-DDTHH:MM:SS"), std::string::npos);
}

TEST(clamp_offset, keeps_offsets_within_the_log) {
    EXPECT_EQ(clamp_offset(5, 2, 10), 5);
    EXPECT_EQ(clamp_offset(1, 2, 10), 2);
    EXPECT_EQ(clamp_offset(11, 2, 10), 10);
    EXPECT_EQ(clamp_offset(10, 2, 10), 10); // the log end itself is a valid position
    EXPECT_EQ(clamp_offset(-3, 0, 0), 0);
}

TEST(new_offset, earliest_latest_and_explicit_offsets) {
    const partition_position p = position(3, 9, 5);
    EXPECT_EQ(*new_offset(reset_to_earliest{}, p), 3);
    EXPECT_EQ(*new_offset(reset_to_latest{}, p), 9);
    EXPECT_EQ(*new_offset(reset_to_offset{7}, p), 7);
    EXPECT_EQ(*new_offset(reset_to_offset{1}, p), 3);
    EXPECT_EQ(*new_offset(reset_to_offset{100}, p), 9);
    EXPECT_EQ(*new_offset(reset_to_offset{-1}, p), 3);
}

TEST(new_offset, shift_by_is_clamped) {
    const partition_position p = position(3, 9, 5);
    EXPECT_EQ(*new_offset(reset_shift_by{2}, p), 7);
    EXPECT_EQ(*new_offset(reset_shift_by{-2}, p), 3);
    EXPECT_EQ(*new_offset(reset_shift_by{-10}, p), 3);
    EXPECT_EQ(*new_offset(reset_shift_by{10}, p), 9);
    EXPECT_EQ(*new_offset(reset_shift_by{0}, p), 5);
    // No overflow at the extremes.
    EXPECT_EQ(*new_offset(reset_shift_by{std::numeric_limits<int64_t>::max()}, p), 9);
    EXPECT_EQ(*new_offset(reset_shift_by{std::numeric_limits<int64_t>::min()}, p), 3);
    // A committed offset past the log end (the log was truncated) comes back within it.
    EXPECT_EQ(*new_offset(reset_shift_by{0}, position(0, 4, 8)), 4);
}

TEST(new_offset, shift_by_needs_a_committed_offset) {
    auto offset = new_offset(reset_shift_by{1}, position(0, 4));
    ASSERT_FALSE(offset);
    EXPECT_EQ(offset.error(), "no committed offset to shift");
}

TEST(new_offset, datetime_after_the_last_record_is_the_log_end) {
    EXPECT_EQ(*new_offset(reset_to_timestamp{1000}, position(0, 4, std::nullopt, 2)),
              2);
    EXPECT_EQ(*new_offset(reset_to_timestamp{1000}, position(0, 4)), 4);
}

} // namespace
} // namespace sluice::cli
