#include "storage/file_system.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "storage/memory_file_system.h"
#include "storage/posix_file_system.h"

namespace sluice::storage {
namespace {

byte_view bv(std::string_view s) { return as_bytes(s); }

std::string read_all(file_handle& file) {
    std::string out(*file.size(), '\0');
    auto n = file.read_at(0, {reinterpret_cast<uint8_t*>(out.data()), out.size()});
    EXPECT_TRUE(n.ok());
    return out;
}

// The behaviour both implementations share.
void exercise(file_system& fs, const std::string& root) {
    ASSERT_EQ(fs.mkdir(root + "/a/b"), storage_errc::none);
    ASSERT_EQ(fs.mkdir(root + "/a/b"), storage_errc::none); // exists already: fine
    EXPECT_EQ(fs.open(root + "/a/b/f", open_mode::existing).error(), storage_errc::not_found);
    auto file = fs.open(root + "/a/b/f", open_mode::create);
    ASSERT_TRUE(file.ok());
    file_handle& f = **file;
    EXPECT_EQ(f.append(bv("hello")), storage_errc::none);
    EXPECT_EQ(f.write_at(3, bv("LOWORLD")), storage_errc::none);
    EXPECT_EQ(*f.size(), 10u);
    EXPECT_EQ(read_all(f), "helLOWORLD");
    uint8_t buf[8];
    EXPECT_EQ(*f.read_at(6, buf), 4u); // short only at the end of the file
    EXPECT_EQ(*f.read_at(99, buf), 0u);
    EXPECT_EQ(f.truncate(4), storage_errc::none);
    EXPECT_EQ(read_all(f), "helL");
    EXPECT_EQ(f.fdatasync(), storage_errc::none);
    EXPECT_EQ(fs.rename(root + "/a/b/f", root + "/a/b/g"), storage_errc::none);
    EXPECT_FALSE(fs.exists(root + "/a/b/f"));
    EXPECT_TRUE(fs.exists(root + "/a/b/g"));
    ASSERT_TRUE(fs.open(root + "/a/b/h", open_mode::create).ok());
    auto names = fs.list_dir(root + "/a/b");
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(*names, (std::vector<std::string>{"g", "h"}));
    EXPECT_EQ(fs.sync_dir(root + "/a/b"), storage_errc::none);
    auto mapped = fs.map_read_only(root + "/a/b/g");
    ASSERT_TRUE(mapped.ok());
    EXPECT_EQ(as_chars((*mapped)->bytes()), "helL");
    auto empty = fs.map_read_only(root + "/a/b/h");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE((*empty)->bytes().empty());
    EXPECT_EQ(fs.map_read_only(root + "/a/b/nope").error(), storage_errc::not_found);
    EXPECT_EQ(fs.remove(root + "/a/b/g"), storage_errc::none);
    EXPECT_EQ(as_chars((*mapped)->bytes()), "helL"); // a mapping outlives the name too
    EXPECT_EQ(fs.remove(root + "/a/b/g"), storage_errc::not_found);
    EXPECT_EQ(read_all(f), "helL"); // an unlinked file stays readable through its handle
    EXPECT_EQ(fs.list_dir(root + "/nope").error(), storage_errc::not_found);
}

TEST(file_system, memory_implementation) {
    memory_file_system fs;
    exercise(fs, "/data");
}

TEST(file_system, posix_implementation) {
    char tmpl[] = "/tmp/sluice_fs_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    posix_file_system fs;
    exercise(fs, tmpl);
    EXPECT_EQ(std::system(("rm -rf " + std::string(tmpl)).c_str()), 0);
}

TEST(memory_file_system, fault_on_the_nth_call_for_one_file) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/d"), storage_errc::none);
    auto a = *fs.open("/d/a.log", open_mode::create);
    auto b = *fs.open("/d/b.log", open_mode::create);
    fs.inject({.op = fs_op::write, .path_contains = "a.log", .skip = 1, .count = 1, .error = storage_errc::io_error});
    EXPECT_EQ(a->append(bv("1")), storage_errc::none);
    EXPECT_EQ(b->append(bv("x")), storage_errc::none); // other files unaffected
    EXPECT_EQ(a->append(bv("2")), storage_errc::io_error);
    EXPECT_EQ(a->append(bv("3")), storage_errc::none); // count 1: fired once
    EXPECT_EQ(fs.contents("/d/a.log"), byte_buffer({'1', '3'}));
}

TEST(memory_file_system, short_write_then_enospc) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/d"), storage_errc::none);
    auto f = *fs.open("/d/f", open_mode::create);
    fs.inject({.op = fs_op::write, .error = storage_errc::no_space, .short_write_bytes = 2});
    EXPECT_EQ(f->append(bv("abcdef")), storage_errc::no_space);
    EXPECT_EQ(fs.contents("/d/f"), byte_buffer({'a', 'b'}));
    fs.clear_faults();
    EXPECT_EQ(f->append(bv("c")), storage_errc::none);
}

TEST(memory_file_system, crash_keeps_the_synced_contents_and_kills_handles) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/d"), storage_errc::none);
    auto f = *fs.open("/d/f", open_mode::create);
    ASSERT_EQ(f->append(bv("durable")), storage_errc::none);
    ASSERT_EQ(f->fdatasync(), storage_errc::none);
    ASSERT_EQ(f->append(bv("-lost")), storage_errc::none);
    fs.crash();
    EXPECT_EQ(f->append(bv("x")), storage_errc::io_error);
    EXPECT_EQ(fs.contents("/d/f"), byte_buffer(bv("durable").begin(), bv("durable").end()));
    auto g = *fs.open("/d/f", open_mode::existing);
    EXPECT_EQ(read_all(*g), "durable");
}

TEST(memory_file_system, crash_with_a_torn_tail_keeps_a_prefix_of_the_appended_bytes) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/d"), storage_errc::none);
    auto f = *fs.open("/d/f", open_mode::create);
    ASSERT_EQ(f->append(bv("abc")), storage_errc::none);
    ASSERT_EQ(f->fdatasync(), storage_errc::none);
    ASSERT_EQ(f->append(bv("defgh")), storage_errc::none);
    fs.crash(2);
    auto g = *fs.open("/d/f", open_mode::existing);
    EXPECT_EQ(read_all(*g), "abcde");
}

TEST(memory_file_system, crash_undoes_an_unsynced_truncate) {
    memory_file_system fs;
    ASSERT_EQ(fs.mkdir("/d"), storage_errc::none);
    auto f = *fs.open("/d/f", open_mode::create);
    ASSERT_EQ(f->append(bv("abcdef")), storage_errc::none);
    ASSERT_EQ(f->fdatasync(), storage_errc::none);
    ASSERT_EQ(f->truncate(2), storage_errc::none);
    fs.crash(100);
    auto g = *fs.open("/d/f", open_mode::existing);
    EXPECT_EQ(read_all(*g), "abcdef");
}

} // namespace
} // namespace sluice::storage
