#include "e2e/e2e_support.h"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace sluice::e2e {

using namespace std::chrono_literals;

bool python_has(const std::string& module) {
    return golden::run_process({python, "-c", "import " + module}, "", 20s).ok();
}

std::string script_path(std::string_view script) {
    return std::string(SLUICE_E2E_CLIENTS_DIR) + "/" + std::string(script);
}

golden::process_result run_script(std::string_view script, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout) {
    std::vector<std::string> argv = {python, script_path(script)};
    argv.insert(argv.end(), args.begin(), args.end());
    return golden::run_process(argv, "", timeout);
}

std::vector<std::string> lines_starting(std::string_view text, std::string_view prefix) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (line.substr(0, prefix.size()) == prefix) lines.emplace_back(line);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return lines;
}

std::vector<std::string> segment_files(const std::string& data_dir, const std::string& topic, int partition) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(data_dir + "/" + topic + "-" + std::to_string(partition), ec))
        if (entry.path().extension() == ".log") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end()); // 20-digit zero-padded names sort by offset
    return files;
}

std::vector<int64_t> segment_bases(const std::string& data_dir, const std::string& topic, int partition) {
    std::vector<int64_t> bases;
    for (const auto& file : segment_files(data_dir, topic, partition))
        bases.push_back(std::stoll(std::filesystem::path(file).stem().string()));
    return bases;
}

// docs/formats/record_batch.md: batch length at byte 8, magic at 16, attributes at 21 (codec
// in the low 3 bits of their second byte), record count at 57.
std::map<int, int64_t> records_by_codec(const std::string& data_dir, const std::string& topic, int partition) {
    std::map<int, int64_t> records;
    for (const auto& segment : segment_files(data_dir, topic, partition)) {
        std::ifstream in(segment, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto u8 = [&](size_t at) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])); };
        auto be32 = [&](size_t at) { return u8(at) << 24 | u8(at + 1) << 16 | u8(at + 2) << 8 | u8(at + 3); };
        for (size_t at = 0; at + 61 <= bytes.size() && u8(at + 16) == 2; at += 12 + be32(at + 8))
            records[static_cast<int>(u8(at + 22) & 0x7)] += static_cast<int32_t>(be32(at + 57));
    }
    return records;
}

void broker_test::start(std::vector<std::string> extra) {
    broker = std::make_unique<broker_process>(std::move(extra));
    ASSERT_TRUE(broker->running()) << broker->log();
}

void broker_test::restart(int signal) {
    const int code = broker->stop(signal);
    if (signal == SIGKILL) {
        EXPECT_EQ(code, 128 + SIGKILL) << broker->log();
    } else {
        EXPECT_EQ(code, 0) << broker->log();
        EXPECT_NE(broker->run_log().find("stopped"), std::string::npos) << broker->run_log();
    }
    ASSERT_TRUE(broker->start()) << broker->log();
}

void broker_test::TearDown() {
    if (!broker) return;
    if (broker->running()) {
        EXPECT_EQ(broker->stop(), 0) << broker->log();
        EXPECT_NE(broker->run_log().find("stopped"), std::string::npos) << broker->log();
    }
    EXPECT_EQ(broker->log().find("Sanitizer"), std::string::npos) << broker->log();
}

} // namespace sluice::e2e
