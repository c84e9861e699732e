// A crash at every step of a compaction pass: each file-system call in turn fails (and every
// later one), the machine "loses power" (memory_file_system::crash, optionally keeping a torn
// tail of unsynced bytes), the log is reopened. Each segment must then be wholly its old or
// wholly its cleaned version, never a mix or a half-written file; a later pass converges.
#include <gtest/gtest.h>

#include "storage/compaction/log_cleaner.h"
#include "storage/memory_file_system.h"
#include "storage/tests/compaction_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;

const std::string dir = "/data/compacted-0";
const int64_t now_ms = 10'000;

log_config one_batch_per_segment() {
    log_config config;
    config.segment_ms = 1;
    return config;
}

// Segments at 0, 3, 5, 7 and the active one at 8, all synced.
std::unique_ptr<log> build(memory_file_system& fs, manual_clock& clock) {
    auto l = log::open(fs, dir, one_batch_per_segment(), clock, {}).value();
    std::vector<std::vector<kv>> segments = {{{"k1", "a"}, {"k2", "b"}, {"k3", "c"}},
                                             {{"k1", "d"}, {"k4", "e"}},
                                             {{"k2", std::nullopt}, {"k5", "f"}},
                                             {{"k3", "g"}},
                                             {{"k9", "z"}}};
    for (size_t i = 0; i < segments.size(); ++i) {
        clock.advance(10);
        // Compressed and not, so both rebuild paths are crashed.
        byte_buffer batch = keyed_batch(segments[i], 100 * static_cast<int64_t>(i),
                                        i % 2 ? protocol::compression_type::lz4 : protocol::compression_type::none);
        EXPECT_TRUE(l->append(batch, leader_epoch(1)).ok());
    }
    EXPECT_EQ(l->flush(), storage_errc::none);
    return l;
}

result<compaction_result> clean(log& l) { return log_cleaner(compaction_config{}).clean(l, {.now_ms = now_ms}); }

// The states a crash may leave: the first j segments cleaned, the others not.
std::vector<std::vector<stored_record>> allowed_states(const std::vector<stored_record>& before,
                                                       const std::vector<stored_record>& after) {
    const std::vector<int64_t> bases = {0, 3, 5, 7, 8};
    std::vector<std::vector<stored_record>> states;
    for (int64_t boundary : bases) {
        std::vector<stored_record> state;
        for (const auto& r : after)
            if (r.offset < boundary) state.push_back(r);
        for (const auto& r : before)
            if (r.offset >= boundary) state.push_back(r);
        states.push_back(std::move(state));
    }
    return states;
}

TEST(compaction_crash_test, every_step_leaves_old_or_new_segments_and_a_later_pass_converges) {
    std::vector<stored_record> before, after;
    {
        memory_file_system fs;
        manual_clock clock(1'000'000);
        auto l = build(fs, clock);
        before = read_records(*l);
        ASSERT_TRUE(clean(*l).value().cleaned);
        after = read_records(*l);
    }
    ASSERT_EQ(before.size(), 9u);
    ASSERT_EQ(after.size(), 6u); // k1=d, k4=e, the k2 tombstone, k5=f, k3=g, k9=z
    const auto states = allowed_states(before, after);

    int failed_passes = 0;
    bool completed = false;
    for (int step = 0; step < 500 && !completed; ++step) {
        SCOPED_TRACE(step);
        memory_file_system fs;
        manual_clock clock(1'000'000);
        auto l = build(fs, clock);
        fs.inject({.op = fs_op::any, .skip = step}); // this call and every later one fail
        auto pass = clean(*l);
        completed = pass.ok();
        if (!pass.ok()) ++failed_passes;
        l.reset();
        fs.clear_faults();
        fs.crash(step % 3 == 0 ? 0 : 5);

        auto reopened = log::open(fs, dir, one_batch_per_segment(), clock, {});
        ASSERT_TRUE(reopened.ok()) << to_string(reopened.error());
        EXPECT_EQ((*reopened)->recovery_report().bytes_truncated, 0u); // nothing half-written is live
        std::vector<std::string> names = fs.list_dir(dir).value();
        for (const std::string& name : names)
            EXPECT_FALSE(name.ends_with(compaction_format::cleaned_suffix)) << name;
        std::vector<stored_record> found = read_records(**reopened);
        EXPECT_TRUE(std::find(states.begin(), states.end(), found) != states.end());
        if (completed) {
            EXPECT_EQ(found, after);
        }

        ASSERT_TRUE(clean(**reopened).ok());
        EXPECT_EQ(read_records(**reopened), after);
    }
    EXPECT_TRUE(completed);
    RecordProperty("interrupted_passes", failed_passes);
    EXPECT_GT(failed_passes, 20); // the pass really was interrupted at many points
}

} // namespace
} // namespace sluice::storage
