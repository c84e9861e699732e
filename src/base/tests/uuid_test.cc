#include "base/uuid.h"

#include <gtest/gtest.h>

using namespace sluice;

TEST(uuid, base64_matches_kafka_topic_id_format) {
    uuid u;
    for (int i = 0; i < 16; ++i) u.bytes[i] = static_cast<uint8_t>(i);
    // URL-safe base64 of 00 01 02 .. 0f without padding.
    EXPECT_EQ(u.to_base64(), "AAECAwQFBgcICQoLDA0ODw");
    uuid zero;
    EXPECT_TRUE(zero.is_zero());
    EXPECT_EQ(zero.to_base64(), "AAAAAAAAAAAAAAAAAAAAAA");
}

TEST(uuid, random_is_version_4_and_distinct) {
    uuid a = uuid::random(), b = uuid::random();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.bytes[6] >> 4, 4);
    EXPECT_EQ(a.bytes[8] >> 6, 2);
}
