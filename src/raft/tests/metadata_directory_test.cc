#include "raft/metadata_directory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "raft/tests/recording_state_machine.h"

namespace sluice::raft {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(metadata_directory, creates_a_missing_directory_as_fresh) {
    test::temp_dir root("dir_create");
    std::string dir = root.path() + "/a/__cluster_metadata-0";
    EXPECT_TRUE(prepare_metadata_directory(dir));
    EXPECT_TRUE(fs::is_directory(dir));
}

// A first start killed between writing the term and the first segment leaves metadata only.
TEST(metadata_directory, removes_the_leftovers_of_an_interrupted_bootstrap) {
    test::temp_dir dir("dir_leftovers");
    fs::create_directories(dir.path());
    write_file(dir.path() + "/metadata1", "term");
    write_file(dir.path() + "/tmp-metadata2", "x");
    EXPECT_TRUE(prepare_metadata_directory(dir.path()));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(metadata_directory, any_segment_or_other_file_is_existing_state) {
    test::temp_dir dir("dir_state");
    fs::create_directories(dir.path());
    write_file(dir.path() + "/metadata1", "term");
    write_file(dir.path() + "/0000000000000001-0000000000000001", "entry");
    EXPECT_FALSE(prepare_metadata_directory(dir.path()));
    EXPECT_TRUE(fs::exists(dir.path() + "/metadata1")); // untouched
}

TEST(metadata_directory, a_path_through_a_file_throws) {
    test::temp_dir dir("dir_file");
    fs::create_directories(dir.path());
    write_file(dir.path() + "/file", "x");
    EXPECT_THROW(prepare_metadata_directory(dir.path() + "/file"), std::runtime_error);
    EXPECT_THROW(prepare_metadata_directory(dir.path() + "/file/sub"), std::runtime_error);
}

} // namespace
} // namespace sluice::raft
