// lru_file_system: a cap on open descriptors, transparent reopen, no reads of a replaced file.
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "storage/log.h"
#include "storage/lru_file_system.h"
#include "storage/memory_file_system.h"
#include "storage/posix_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;

byte_buffer bytes_of(std::string_view text) { return byte_buffer(text.begin(), text.end()); }

size_t open_descriptors() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

struct temp_dir {
    std::string path = std::filesystem::temp_directory_path() / ("sluice_lru_" + std::to_string(::getpid()));
    temp_dir() { std::filesystem::remove_all(path); std::filesystem::create_directories(path); }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

// A fetch reads on the partition's shard and sends from the connection's: the real file it
// takes keeps its descriptor (same file, same bytes) through evictions and deletion, and using
// it never touches the LRU.
TEST(lru_file_system, a_descriptor_owner_outlives_eviction_and_deletion) {
    temp_dir dir;
    posix_file_system inner;
    lru_file_system fs(inner, 1);
    auto a = *fs.open(dir.path + "/a", open_mode::create);
    ASSERT_EQ(a->append(bytes_of("bytes of a")), storage_errc::none);
    std::shared_ptr<file_handle> owner = a->descriptor_owner();
    ASSERT_NE(owner, nullptr);
    const int fd = owner->native_handle();
    ASSERT_GE(fd, 0);
    auto b = *fs.open(dir.path + "/b", open_mode::create); // evicts a
    EXPECT_EQ(fs.evictions(), 1u);
    ASSERT_EQ(inner.remove(dir.path + "/a"), storage_errc::none);
    a.reset();
    EXPECT_EQ(owner->native_handle(), fd);
    char buffer[10] = {};
    EXPECT_EQ(::pread(fd, buffer, sizeof buffer, 0), 10);
    EXPECT_EQ(std::string(buffer, 10), "bytes of a");
    // A plain handle is its own owner.
    EXPECT_EQ(owner->descriptor_owner(), nullptr);
}

TEST(lru_file_system, evicted_files_reopen_on_use) {
    memory_file_system inner;
    ASSERT_EQ(inner.mkdir("/d"), storage_errc::none);
    lru_file_system fs(inner, 2);
    std::vector<std::shared_ptr<file_handle>> files;
    for (int i = 0; i < 3; ++i) {
        files.push_back(*fs.open("/d/f" + std::to_string(i), open_mode::create));
        ASSERT_EQ(files.back()->append(bytes_of("file " + std::to_string(i))), storage_errc::none);
    }
    EXPECT_EQ(fs.open_files(), 2u);
    EXPECT_EQ(fs.evictions(), 1u);
    EXPECT_EQ(read_range(*files[0], 0, 6), bytes_of("file 0")); // evicted, reopened
    EXPECT_EQ(fs.inner_opens(), 4u);
    EXPECT_EQ(fs.open_files(), 2u);
    EXPECT_EQ(read_range(*files[2], 0, 6), bytes_of("file 2")); // still open
    EXPECT_EQ(fs.inner_opens(), 4u);
    files.clear();
    EXPECT_EQ(fs.open_files(), 0u);
}

TEST(lru_file_system, descriptors_stay_under_the_cap) {
    temp_dir dir;
    posix_file_system inner;
    lru_file_system fs(inner, 4);
    size_t before = open_descriptors();
    std::vector<std::shared_ptr<file_handle>> files;
    for (int i = 0; i < 64; ++i) {
        files.push_back(*fs.open(dir.path + "/f" + std::to_string(i), open_mode::create));
        ASSERT_EQ(files.back()->append(bytes_of("x" + std::to_string(i % 10))), storage_errc::none);
    }
    EXPECT_LE(open_descriptors(), before + 4);
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 64; ++i) {
            EXPECT_EQ(read_range(*files[i], 0, 2), bytes_of("x" + std::to_string(i % 10)));
            EXPECT_GE(files[i]->native_handle(), 0);
        }
    EXPECT_LE(open_descriptors(), before + 4);
}

TEST(lru_file_system, a_replaced_file_is_not_read_through_an_old_handle) {
    temp_dir dir;
    posix_file_system inner;
    lru_file_system fs(inner, 1);
    std::string path = dir.path + "/00000000000000000000.log";
    auto old = *fs.open(path, open_mode::create);
    ASSERT_EQ(old->append(bytes_of("old")), storage_errc::none);
    auto other = *fs.open(dir.path + "/other", open_mode::create); // evicts `old`
    ASSERT_EQ(fs.remove(path), storage_errc::none);
    auto replacement = *inner.open(path, open_mode::create);
    ASSERT_EQ(replacement->append(bytes_of("new")), storage_errc::none);
    byte_buffer buffer(3);
    EXPECT_EQ(old->read_at(0, buffer).error(), storage_errc::io_error);
}

TEST(lru_file_system, fdatasync_of_an_evicted_file_from_another_thread) {
    temp_dir dir;
    posix_file_system inner;
    lru_file_system fs(inner, 1);
    auto a = *fs.open(dir.path + "/a", open_mode::create);
    ASSERT_EQ(a->append(bytes_of("data")), storage_errc::none);
    auto b = *fs.open(dir.path + "/b", open_mode::create); // evicts a
    storage_errc synced = storage_errc::io_error;
    std::thread([&] { synced = a->fdatasync(); }).join();
    EXPECT_EQ(synced, storage_errc::none);
    EXPECT_EQ(fs.open_files(), 1u); // the temporary descriptor was not cached
}

TEST(lru_file_system, a_log_works_with_fewer_descriptors_than_segments) {
    memory_file_system inner;
    lru_file_system fs(inner, 3);
    manual_clock clock;
    log_config config;
    config.segment.segment_bytes = 300;
    auto l = std::move(*log::open(fs, "/data/t-0", config, clock, {}));
    std::vector<byte_buffer> written;
    for (int i = 0; i < 40; ++i) {
        written.push_back(make_batch(2, i, 50));
        ASSERT_TRUE(l->append(written.back(), model::leader_epoch(0)).ok());
    }
    ASSERT_GT(l->segment_count(), 10u);
    EXPECT_LE(fs.open_files(), 3u);
    for (int i = 39; i >= 0; --i) {
        auto r = l->read(model::offset(2 * i), 1);
        ASSERT_TRUE(r.ok());
        byte_buffer got = read_range(*r->range.file, r->range.position, r->range.length);
        EXPECT_EQ(got.size(), written[i].size());
        EXPECT_TRUE(std::equal(got.begin() + 12, got.begin() + 16, written[i].begin() + 12)); // batch length
    }
    ASSERT_EQ(l->close(), storage_errc::none);
    l.reset();
    auto reopened = std::move(*log::open(fs, "/data/t-0", config, clock, {.clean_shutdown = true}));
    EXPECT_EQ(reopened->log_end_offset(), model::offset(80));
    EXPECT_LE(fs.open_files(), 3u);
}

} // namespace
} // namespace sluice::storage
