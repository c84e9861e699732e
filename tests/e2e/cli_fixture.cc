#include "e2e/cli_fixture.h"

#include <thread>


namespace sluice::e2e {

using namespace std::chrono_literals;

void cli_e2e::SetUp() {
    broker = std::make_unique<broker_process>();
    ASSERT_TRUE(broker->running()) << broker->log();
    apis = advertised_apis(broker->port());
}

void cli_e2e::TearDown() {
    if (!broker || !broker->running()) return;
    EXPECT_EQ(broker->stop(), 0) << broker->log();
}

std::string cli_e2e::missing(const std::vector<api>& needed) const { return missing_apis(apis, needed); }

golden::process_result cli_e2e::sluice(std::vector<std::string> args, std::string_view input) {
    args.insert(args.begin(), SLUICE_BINARY);
    args.insert(args.end(), {"-b", broker->bootstrap(), "--timeout-ms", "15000"});
    return golden::run_process(args, input, 60s);
}

void cli_e2e::expect_output(const std::vector<std::string>& args, const std::string& expected) {
    golden::process_result r;
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
        r = sluice(args);
        if (r.ok() && r.out == expected) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_EQ(r.out, expected);
    EXPECT_EQ(r.err, "");
}

void cli_e2e::expect_success(const std::vector<std::string>& args, const std::string& expected_out,
                             std::string_view input) {
    auto r = sluice(args, input);
    EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
    EXPECT_EQ(r.out, expected_out);
    EXPECT_EQ(r.err, "");
}

void cli_e2e::expect_failure(const std::vector<std::string>& args, const std::string& prefix,
                             const std::string& mentions) {
    auto r = sluice(args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
    EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
}

} // namespace sluice::e2e
