// Record layouts against bytes derived by hand from Kafka's format (docs/formats/consumer_offsets.md),
// and partition_for against Java's String.hashCode.
#include <gtest/gtest.h>

#include "coordinator/offsets_records.h"

namespace sluice::coordinator {
namespace {

namespace msg = protocol::msg;

TEST(partition_for, matches_java_string_hash_code) {
    EXPECT_EQ(partition_for("g", 50), 103 % 50);             // "g".hashCode() = 103
    EXPECT_EQ(partition_for("abc", 50), 96354 % 50);         // 96354
    EXPECT_EQ(partition_for("polygenelubricants", 50), 0);   // hashCode() = Integer.MIN_VALUE: Utils.abs → 0
    EXPECT_EQ(partition_for("\xC3\xA9", 50), 233 % 50);      // "é" = U+00E9
    EXPECT_EQ(partition_for("\xF0\x9F\x98\x80", 50), 49);    // U+1F600 = D83D DE00: 55357*31+56832 = 1772899
    EXPECT_EQ(partition_for("console-consumer-1", 1), 0);
}

TEST(offsets_records, offset_commit_v3_bytes) {
    offset_and_metadata o{42, 5, "m", 1000, std::nullopt};
    offsets_record r = offset_commit_record("g", "t", 0, o);
    EXPECT_EQ(r.key, (byte_buffer{0x00, 0x01, 0x00, 0x01, 'g', 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x00}));
    ASSERT_TRUE(r.value);
    EXPECT_EQ(*r.value, (byte_buffer{0x00, 0x03,                                     // value version 3
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, // offset 42
                                     0x00, 0x00, 0x00, 0x05,                         // leader epoch 5
                                     0x00, 0x01, 'm',                                // metadata
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8})); // commit time 1000
    auto d = decode_record(r.key, byte_view(*r.value));
    auto* off = std::get_if<decoded_offset>(&d);
    ASSERT_NE(off, nullptr);
    EXPECT_EQ(off->group, "g");
    EXPECT_EQ(off->topic, "t");
    EXPECT_EQ(off->partition, 0);
    EXPECT_EQ(off->value, o);
}

TEST(offsets_records, offset_commit_with_expiry_is_v1) {
    offset_and_metadata o{7, -1, "", 1000, 5000};
    offsets_record r = offset_commit_record("g", "t", 1, o);
    ASSERT_TRUE(r.value);
    EXPECT_EQ(*r.value, (byte_buffer{0x00, 0x01,                                     // value version 1
                                     0, 0, 0, 0, 0, 0, 0, 7,                         // offset
                                     0x00, 0x00,                                     // metadata ""
                                     0, 0, 0, 0, 0, 0, 0x03, 0xe8,                   // commit time
                                     0, 0, 0, 0, 0, 0, 0x13, 0x88}));                // expire time 5000
    auto d = decode_record(r.key, byte_view(*r.value));
    EXPECT_EQ(std::get<decoded_offset>(d).value, o);
}

TEST(offsets_records, legacy_type_0_and_tombstones_decode) {
    byte_buffer key{0x00, 0x00, 0x00, 0x01, 'g', 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x02};
    byte_buffer value{0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 9, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 1};
    auto d = decode_record(key, byte_view(value));
    auto& off = std::get<decoded_offset>(d);
    EXPECT_EQ(off.partition, 2);
    EXPECT_EQ(off.value->offset, 9);
    EXPECT_EQ(off.value->leader_epoch, -1);
    EXPECT_EQ(off.value->commit_timestamp_ms, 1);

    auto tomb = decode_record(offset_tombstone("g", "t", 2).key, std::nullopt);
    EXPECT_FALSE(std::get<decoded_offset>(tomb).value);
    auto gt = decode_record(group_tombstone("g").key, std::nullopt);
    EXPECT_FALSE(std::get<decoded_group>(gt).value);
}

TEST(offsets_records, unknown_types_and_garbage_do_not_decode) {
    // Type 16 (a consumer group's regular expression) is not read; 3-8 are (consumer_group_test).
    byte_buffer type16{0x00, 0x10, 0x00, 0x01, 'g', 0x00, 0x01, 'r'};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_record(type16, std::nullopt)));
    byte_buffer type3{0x00, 0x03, 0x00, 0x01, 'g'};
    EXPECT_TRUE(std::holds_alternative<consumer_record>(decode_record(type3, std::nullopt)));
    byte_buffer short_key{0x00};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_record(short_key, std::nullopt)));
    byte_buffer key = offset_tombstone("g", "t", 0).key;
    byte_buffer bad_value{0x00, 0x03, 0x00};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_record(key, byte_view(bad_value))));
    byte_buffer future_value{0x00, 0x09, 0, 0};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_record(key, byte_view(future_value))));
}

TEST(offsets_records, group_metadata_v3_bytes) {
    msg::group_metadata_value v;
    v.protocol_type = "consumer";
    v.generation = 1;
    v.protocol = "range";
    v.leader = "m1";
    v.current_state_timestamp = 1000;
    auto& m = v.members.emplace_back();
    m.member_id = "m1";
    m.client_id = "c";
    m.client_host = "/h";
    m.rebalance_timeout = 30000;
    m.session_timeout = 10000;
    m.subscription = {0x01, 0x02};
    m.assignment = {0x03};
    offsets_record r = group_metadata_record("g", v);
    EXPECT_EQ(r.key, (byte_buffer{0x00, 0x02, 0x00, 0x01, 'g'}));
    byte_buffer expected{0x00, 0x03,                                               // value version 3
                         0x00, 0x08, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',       // protocol type
                         0x00, 0x00, 0x00, 0x01,                                   // generation
                         0x00, 0x05, 'r', 'a', 'n', 'g', 'e',                      // protocol
                         0x00, 0x02, 'm', '1',                                     // leader
                         0, 0, 0, 0, 0, 0, 0x03, 0xe8,                             // current state timestamp
                         0x00, 0x00, 0x00, 0x01,                                   // 1 member
                         0x00, 0x02, 'm', '1',                                     // member id
                         0xff, 0xff,                                               // group instance id: null
                         0x00, 0x01, 'c',                                          // client id
                         0x00, 0x02, '/', 'h',                                     // client host
                         0x00, 0x00, 0x75, 0x30,                                   // rebalance timeout 30000
                         0x00, 0x00, 0x27, 0x10,                                   // session timeout 10000
                         0x00, 0x00, 0x00, 0x02, 0x01, 0x02,                       // subscription
                         0x00, 0x00, 0x00, 0x01, 0x03};                            // assignment
    ASSERT_TRUE(r.value);
    EXPECT_EQ(*r.value, expected);
    auto d = decode_record(r.key, byte_view(*r.value));
    auto& g = std::get<decoded_group>(d);
    EXPECT_EQ(g.group, "g");
    EXPECT_EQ(g.value_version, 3);
    EXPECT_EQ(*g.value, v);
}

TEST(offsets_records, group_metadata_v0_decodes_without_later_fields) {
    byte_buffer value{0x00, 0x00, 0x00, 0x01, 'x', 0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff,
                      0x00, 0x00, 0x00, 0x00};
    auto d = decode_record(group_tombstone("g").key, byte_view(value));
    auto& g = std::get<decoded_group>(d);
    ASSERT_TRUE(g.value);
    EXPECT_EQ(g.value->protocol_type, "x");
    EXPECT_EQ(g.value->generation, 2);
    EXPECT_FALSE(g.value->protocol);
    EXPECT_EQ(g.value->current_state_timestamp, -1);
}

} // namespace
} // namespace sluice::coordinator
