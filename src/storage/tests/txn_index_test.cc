#include "storage/txn_index.h"

#include <gtest/gtest.h>

#include "storage/memory_file_system.h"

namespace sluice::storage {
namespace {

using model::offset;

const std::string path = "/log/t-0/00000000000000000000.txnindex";

aborted_txn txn(int64_t producer, int64_t first, int64_t last) {
    return {model::producer_id(producer), offset(first), offset(last), offset(first)};
}

class txn_index_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(fs.mkdir("/log/t-0"), storage_errc::none);
        file = std::move(*fs.open(path, open_mode::create));
    }
    memory_file_system fs;
    std::shared_ptr<file_handle> file;
};

TEST_F(txn_index_test, entries_are_34_big_endian_bytes) {
    txn_index index(file);
    ASSERT_EQ(index.append({model::producer_id(0x0102), offset(3), offset(0x0a0b), offset(2)}), storage_errc::none);
    byte_buffer expected = {0, 0,                      // version 0
                            0, 0, 0, 0, 0, 0, 1, 2,    // producer id
                            0, 0, 0, 0, 0, 0, 0, 3,    // first offset
                            0, 0, 0, 0, 0, 0, 10, 11,  // last offset
                            0, 0, 0, 0, 0, 0, 0, 2};   // last stable offset
    EXPECT_EQ(fs.contents(path), expected);
}

TEST_F(txn_index_test, collect_returns_the_entries_overlapping_the_range) {
    txn_index index(file);
    for (aborted_txn t : {txn(1, 0, 9), txn(2, 5, 19), txn(3, 20, 29)}) ASSERT_EQ(index.append(t), storage_errc::none);
    EXPECT_EQ(index.collect(offset(10), offset(20)).value(), (std::vector{txn(2, 5, 19)}));
    EXPECT_EQ(index.collect(offset(9), offset(21)).value(), (std::vector{txn(1, 0, 9), txn(2, 5, 19), txn(3, 20, 29)}));
    EXPECT_EQ(index.collect(offset(0), offset(5)).value(), (std::vector{txn(1, 0, 9)})); // [from, to)
    EXPECT_TRUE(index.collect(offset(30), offset(40)).value().empty());
    // Another reader of the same file sees the same entries.
    EXPECT_EQ(txn_index(file).collect(offset(0), offset(100)).value().size(), 3u);
}

TEST_F(txn_index_test, truncate_removes_entries_ending_at_or_after_the_offset) {
    txn_index index(file);
    for (aborted_txn t : {txn(1, 0, 9), txn(2, 5, 19), txn(3, 20, 29)}) ASSERT_EQ(index.append(t), storage_errc::none);
    ASSERT_EQ(index.truncate_to(offset(19)), storage_errc::none);
    EXPECT_EQ(index.collect(offset(0), offset(100)).value(), (std::vector{txn(1, 0, 9)}));
    EXPECT_EQ(fs.contents(path).size(), aborted_txn::bytes);
    ASSERT_EQ(index.append(txn(4, 12, 14)), storage_errc::none); // last offset 9 < 14 again
    ASSERT_EQ(index.truncate_to(offset(0)), storage_errc::none);
    EXPECT_TRUE(fs.contents(path).empty());
}

TEST_F(txn_index_test, partial_entry_or_unknown_version_is_corrupt) {
    txn_index index(file);
    ASSERT_EQ(index.append(txn(1, 0, 9)), storage_errc::none);
    byte_buffer bytes = fs.contents(path);
    fs.set_contents(path, byte_buffer(bytes.begin(), bytes.end() - 1));
    EXPECT_EQ(index.collect(offset(0), offset(10)).error(), storage_errc::corrupt);
    bytes[1] = 1; // version 1
    fs.set_contents(path, bytes);
    EXPECT_EQ(index.collect(offset(0), offset(10)).error(), storage_errc::corrupt);
}

} // namespace
} // namespace sluice::storage
