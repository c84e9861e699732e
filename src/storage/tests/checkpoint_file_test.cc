#include "storage/checkpoint_file.h"

#include <gtest/gtest.h>

#include "storage/leader_epoch_cache.h"
#include "storage/memory_file_system.h"

namespace sluice::storage {
namespace {

using model::leader_epoch;
using model::offset;

std::string text_of(memory_file_system& fs, const std::string& path) {
    byte_buffer bytes = fs.contents(path);
    return std::string(bytes.begin(), bytes.end());
}

TEST(checkpoint_file, offset_checkpoint_is_kafkas_text_format) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/data"), storage_errc::none);
    std::vector<partition_offset> entries{{"orders", model::partition_id(0), offset(1234)},
                                          {"orders", model::partition_id(1), offset(57)}};
    ASSERT_EQ(write_offset_checkpoint(fs, "/data", "recovery-point-offset-checkpoint", entries), storage_errc::none);
    EXPECT_EQ(text_of(fs, "/data/recovery-point-offset-checkpoint"), "0\n2\norders 0 1234\norders 1 57\n");
    EXPECT_FALSE(fs.exists("/data/recovery-point-offset-checkpoint.tmp"));
    EXPECT_EQ(*read_offset_checkpoint(fs, "/data", "recovery-point-offset-checkpoint"), entries);
}

TEST(checkpoint_file, invalid_files_are_refused) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/data"), storage_errc::none);
    EXPECT_EQ(read_offset_checkpoint(fs, "/data", "x").error(), storage_errc::not_found);
    for (std::string bad : {"1\n0\n", "0\n2\nt 0 1\n", "0\n1\nt 0\n", "0\n1\nt zero 1\n", "", "0\n1\nt 0 1x\n"}) {
        fs.set_contents("/data/x", byte_buffer(bad.begin(), bad.end()));
        EXPECT_EQ(read_offset_checkpoint(fs, "/data", "x").error(), storage_errc::corrupt) << bad;
    }
}

TEST(checkpoint_file, clean_shutdown_marker) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/data"), storage_errc::none);
    EXPECT_FALSE(has_clean_shutdown_marker(fs, "/data"));
    ASSERT_EQ(write_clean_shutdown_marker(fs, "/data"), storage_errc::none);
    EXPECT_TRUE(fs.exists("/data/.kafka_cleanshutdown"));
    ASSERT_EQ(remove_clean_shutdown_marker(fs, "/data"), storage_errc::none);
    EXPECT_FALSE(has_clean_shutdown_marker(fs, "/data"));
}

class leader_epoch_cache_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(fs.mkdir("/p"), storage_errc::none); }
    leader_epoch_cache load() { return std::move(*leader_epoch_cache::load(fs, "/p")); }
    std::vector<epoch_entry> entries(std::initializer_list<std::pair<int32_t, int64_t>> list) {
        std::vector<epoch_entry> out;
        for (auto [e, o] : list) out.push_back({leader_epoch(e), offset(o)});
        return out;
    }
    memory_file_system fs;
};

TEST_F(leader_epoch_cache_test, assign_persists_and_removes_conflicts) {
    leader_epoch_cache cache = load();
    ASSERT_EQ(cache.assign(leader_epoch(0), offset(0)), storage_errc::none);
    ASSERT_EQ(cache.assign(leader_epoch(0), offset(5)), storage_errc::none); // known epoch: no-op
    ASSERT_EQ(cache.assign(leader_epoch(2), offset(10)), storage_errc::none);
    ASSERT_EQ(cache.assign(leader_epoch(5), offset(20)), storage_errc::none);
    EXPECT_EQ(text_of(fs, "/p/leader-epoch-checkpoint"), "0\n3\n0 0\n2 10\n5 20\n");
    ASSERT_EQ(cache.assign(leader_epoch(3), offset(15)), storage_errc::none); // epoch 5 conflicts
    EXPECT_EQ(cache.entries(), entries({{0, 0}, {2, 10}, {3, 15}}));
    EXPECT_EQ(load().entries(), cache.entries());
}

TEST_F(leader_epoch_cache_test, end_offset_for_epoch_follows_kafka) {
    leader_epoch_cache cache = load();
    ASSERT_EQ(cache.assign(leader_epoch(1), offset(10)), storage_errc::none);
    ASSERT_EQ(cache.assign(leader_epoch(3), offset(20)), storage_errc::none);
    ASSERT_EQ(cache.assign(leader_epoch(4), offset(30)), storage_errc::none);
    auto end = [&](int32_t e) { return cache.end_offset_for(leader_epoch(e), offset(42)); };
    EXPECT_EQ(end(4), (epoch_end_offset{leader_epoch(4), offset(42)}));   // latest: log end
    EXPECT_EQ(end(3), (epoch_end_offset{leader_epoch(3), offset(30)}));   // next epoch's start
    EXPECT_EQ(end(2), (epoch_end_offset{leader_epoch(1), offset(20)}));   // unknown: the one below
    EXPECT_EQ(end(0), (epoch_end_offset{leader_epoch(0), offset(10)}));   // below all known
    EXPECT_EQ(end(5), (epoch_end_offset{model::no_leader_epoch, model::no_offset})); // above all
    EXPECT_EQ(end(-1), (epoch_end_offset{model::no_leader_epoch, model::no_offset}));
}

TEST_F(leader_epoch_cache_test, truncation_from_both_ends) {
    leader_epoch_cache cache = load();
    for (auto [e, o] : {std::pair{1, 10}, {3, 20}, {4, 30}})
        ASSERT_EQ(cache.assign(leader_epoch(e), offset(o)), storage_errc::none);
    ASSERT_EQ(cache.truncate_from_end(offset(25)), storage_errc::none);
    EXPECT_EQ(cache.entries(), entries({{1, 10}, {3, 20}}));
    ASSERT_EQ(cache.truncate_from_end(offset(20)), storage_errc::none);
    EXPECT_EQ(cache.entries(), entries({{1, 10}}));
    ASSERT_EQ(cache.assign(leader_epoch(3), offset(20)), storage_errc::none);
    ASSERT_EQ(cache.truncate_from_start(offset(15)), storage_errc::none);
    EXPECT_EQ(cache.entries(), entries({{1, 15}, {3, 20}}));
    ASSERT_EQ(cache.truncate_from_start(offset(20)), storage_errc::none);
    EXPECT_EQ(cache.entries(), entries({{3, 20}}));
    EXPECT_EQ(load().entries(), cache.entries());
}

TEST_F(leader_epoch_cache_test, a_checkpoint_out_of_order_is_corrupt) {
    std::string bad = "0\n2\n3 20\n1 30\n";
    fs.set_contents("/p/leader-epoch-checkpoint", byte_buffer(bad.begin(), bad.end()));
    EXPECT_EQ(leader_epoch_cache::load(fs, "/p").error(), storage_errc::corrupt);
}

} // namespace
} // namespace sluice::storage
