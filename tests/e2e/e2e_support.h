#pragma once
// What the end-to-end tests share: the broker fixture, running the client scripts of
// tests/e2e/clients with /usr/bin/python3, and picking lines out of their output.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/broker_process.h"
#include "golden/client_process.h"

namespace sluice::e2e {

inline constexpr const char* python = "/usr/bin/python3";

// True when /usr/bin/python3 can import `module`.
bool python_has(const std::string& module);

// Runs tests/e2e/clients/<script> with /usr/bin/python3 and `args`, stdin empty.
golden::process_result run_script(std::string_view script, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout = std::chrono::minutes(3));
std::string script_path(std::string_view script);

// The lines of `text` that start with `prefix`, in order, without their newline.
std::vector<std::string> lines_starting(std::string_view text, std::string_view prefix);

// The .log files of a partition in a broker's data directory, by base offset (their names).
std::vector<std::string> segment_files(const std::string& data_dir, const std::string& topic, int partition);
// The base offsets of those segments.
std::vector<int64_t> segment_bases(const std::string& data_dir, const std::string& topic, int partition);

// How many records of a partition's log sit in batches of each codec (0 none, 1 gzip,
// 2 snappy, 3 lz4, 4 zstd), read from the batch headers of its segment files.
std::map<int, int64_t> records_by_codec(const std::string& data_dir, const std::string& topic, int partition);

// A test with one broker: start() runs it; every test ends with a clean SIGTERM shutdown.
class broker_test : public ::testing::Test {
protected:
    void start(std::vector<std::string> extra = {});
    // SIGTERM (exit code 0 expected) or SIGKILL, then start() on the same data directory
    // and port; the test fails when the broker does not come back.
    void restart(int signal);
    void TearDown() override;

    std::unique_ptr<broker_process> broker;
};

} // namespace sluice::e2e
