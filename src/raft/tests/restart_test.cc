// Stop and start again on the same directory: the state machine is rebuilt exactly, from the
// log alone and from a snapshot plus the log's tail.
#include <gtest/gtest.h>

#include "raft/metadata_quorum.h"
#include "raft/tests/quorum_test_util.h"
#include "raft/tests/recording_state_machine.h"

namespace sluice::raft {
namespace {

using namespace test;

// Proposes `count` entries named `<prefix><i>` and waits for them all.
void propose_all(metadata_quorum& quorum, const std::string& prefix, int count) {
    done_collector collector;
    for (int i = 0; i < count; ++i) quorum.propose(to_bytes(prefix + std::to_string(i)), collector.make(i));
    ASSERT_TRUE(collector.wait_for(static_cast<size_t>(count)));
    for (const completion& c : collector.done()) ASSERT_FALSE(c.error) << c.error.message();
}

TEST(metadata_quorum_restart, rebuilds_the_state_from_the_log) {
    temp_dir dir("restart_log");
    std::vector<recorded_entry> before;
    {
        recording_state_machine sm;
        auto quorum = metadata_quorum::start(config_in(dir.path()), sm);
        propose_all(*quorum, "entry-", 50);
        before = sm.entries();
        EXPECT_EQ(sm.snapshots_taken(), 0u);
    }
    recording_state_machine sm;
    auto quorum = metadata_quorum::start(config_in(dir.path()), sm);
    EXPECT_EQ(sm.restores(), 0u);
    EXPECT_EQ(sm.entries(), before);
    EXPECT_GE(quorum->last_applied(), before.back().index);
}

// Three generations with a snapshot every 16 entries: each start restores the latest snapshot
// and applies the tail after it.
TEST(metadata_quorum_restart, rebuilds_the_state_across_snapshots) {
    temp_dir dir("restart_snapshot");
    quorum_config config = config_in(dir.path());
    config.snapshot_threshold = 16;
    config.snapshot_trailing = 4;
    std::vector<recorded_entry> expected;
    for (int generation = 0; generation < 3; ++generation) {
        recording_state_machine sm;
        auto quorum = metadata_quorum::start(config, sm);
        EXPECT_EQ(sm.entries(), expected) << "generation " << generation;
        EXPECT_EQ(sm.restores(), generation == 0 ? 0u : 1u);
        propose_all(*quorum, "g" + std::to_string(generation) + "-", 45); // not a multiple of 16
        EXPECT_GT(sm.snapshots_taken(), 0u);
        expected = sm.entries();
        ASSERT_EQ(expected.size(), static_cast<size_t>(45 * (generation + 1)));
    }
}

// A state machine that cannot read the snapshot fails start(), with its reason.
class unrestorable_state_machine final : public state_machine {
public:
    void apply(uint64_t, byte_view) override {}
    byte_buffer snapshot() override { return to_bytes("snapshot"); }
    void restore(byte_view) override { throw std::invalid_argument("snapshot version 99 unknown"); }
};

TEST(metadata_quorum_restart, a_snapshot_the_state_machine_rejects_fails_start) {
    temp_dir dir("restart_rejected");
    quorum_config config = config_in(dir.path());
    config.snapshot_threshold = 4;
    config.snapshot_trailing = 1;
    {
        unrestorable_state_machine sm;
        auto quorum = metadata_quorum::start(config, sm);
        propose_all(*quorum, "e", 10);
    }
    unrestorable_state_machine sm;
    try {
        metadata_quorum::start(config, sm);
        ADD_FAILURE() << "start() succeeded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("snapshot version 99 unknown"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace sluice::raft
