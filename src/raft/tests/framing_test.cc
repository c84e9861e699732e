// The framing of entries and snapshots handed to libraft (docs/formats/metadata_log.md).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "raft/raft_shim.h"

namespace {

TEST(raft_framing, round_trips_every_length_mod_8) {
    for (size_t size = 0; size <= 33; ++size) {
        std::vector<uint8_t> payload(size);
        for (size_t i = 0; i < size; ++i) payload[i] = static_cast<uint8_t>(i * 7 + 1);
        size_t framed_size = sluice_raft_framed_size(size);
        EXPECT_EQ(framed_size % 8, 0u) << size;
        EXPECT_GT(framed_size, size);
        EXPECT_LE(framed_size, size + 8);
        std::vector<uint8_t> framed(framed_size);
        sluice_raft_frame(payload.data(), size, framed.data());
        ASSERT_EQ(sluice_raft_unframe(framed.data(), framed.size()), size);
        EXPECT_TRUE(std::equal(payload.begin(), payload.end(), framed.begin()));
    }
}

TEST(raft_framing, empty_payload_is_eight_bytes_of_eight) {
    std::vector<uint8_t> framed(sluice_raft_framed_size(0));
    sluice_raft_frame(nullptr, 0, framed.data());
    EXPECT_EQ(framed, std::vector<uint8_t>(8, 8));
}

TEST(raft_framing, rejects_invalid_padding) {
    const size_t invalid = SIZE_MAX;
    std::vector<uint8_t> b(16, 3);
    EXPECT_EQ(sluice_raft_unframe(b.data(), 16), 13u);
    EXPECT_EQ(sluice_raft_unframe(b.data(), 0), invalid);  // empty
    EXPECT_EQ(sluice_raft_unframe(b.data(), 12), invalid); // not a multiple of 8
    b[15] = 0;
    EXPECT_EQ(sluice_raft_unframe(b.data(), 16), invalid); // padding of 0
    b[15] = 9;
    EXPECT_EQ(sluice_raft_unframe(b.data(), 16), invalid); // more than a block
    b[15] = 3;
    b[14] = 4;
    EXPECT_EQ(sluice_raft_unframe(b.data(), 16), invalid); // padding bytes disagree
}

} // namespace
