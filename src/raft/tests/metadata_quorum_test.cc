// metadata_quorum on a real directory: start-up, proposals from several threads, post, stop,
// and the failures start() must turn into exceptions.
#include "raft/metadata_quorum.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "raft/tests/quorum_test_util.h"
#include "raft/tests/recording_state_machine.h"

namespace sluice::raft {
namespace {

namespace fs = std::filesystem;
using namespace test;

TEST(metadata_quorum, bootstraps_a_new_directory_and_leads) {
    temp_dir dir("bootstrap");
    recording_state_machine sm;
    auto quorum = metadata_quorum::start(config_in(dir.path() + "/__cluster_metadata-0"), sm);
    EXPECT_TRUE(quorum->is_leader());
    EXPECT_GE(quorum->last_applied(), 1u); // the bootstrap configuration, at least
    done_collector collector;
    quorum->propose(to_bytes("first"), collector.make(0));
    ASSERT_TRUE(collector.wait_for(1));
    completion c = collector.done()[0];
    ASSERT_FALSE(c.error) << c.error.message();
    EXPECT_GE(quorum->last_applied(), c.index);
    EXPECT_EQ(sm.entries(), (std::vector<recorded_entry>{{c.index, to_bytes("first")}}));
}

// Two threads propose 500 entries each (lengths 0..40, so every padding length occurs).
TEST(metadata_quorum, concurrent_proposals_get_increasing_indexes_and_apply_in_order) {
    temp_dir dir("concurrent");
    recording_state_machine sm;
    quorum_config config = config_in(dir.path());
    config.snapshot_threshold = 256; // a few snapshots along the way
    config.snapshot_trailing = 64;
    auto quorum = metadata_quorum::start(config, sm);
    constexpr int per_thread = 500;
    auto payload = [](int tag) {
        std::string s = "t" + std::to_string(tag / per_thread) + "-" + std::to_string(tag % per_thread) + "-";
        s.resize(static_cast<size_t>(tag % 41), 'x');
        return to_bytes(s);
    };
    done_collector collector;
    auto proposer = [&](int thread) {
        for (int i = 0; i < per_thread; ++i) {
            int tag = thread * per_thread + i;
            quorum->propose(payload(tag), collector.make(tag));
        }
    };
    std::thread a(proposer, 0), b(proposer, 1);
    a.join();
    b.join();
    ASSERT_TRUE(collector.wait_for(2 * per_thread));

    std::vector<completion> done = collector.done();
    std::map<uint64_t, int> tag_at;
    uint64_t previous = 0;
    int last_of_thread[2] = {-1, -1};
    for (const completion& c : done) {
        ASSERT_FALSE(c.error) << c.error.message();
        EXPECT_GT(c.index, previous) << "done callbacks run in index order";
        previous = c.index;
        EXPECT_TRUE(tag_at.emplace(c.index, c.tag).second) << "index " << c.index << " twice";
        int thread = c.tag / per_thread;
        EXPECT_GT(c.tag, last_of_thread[thread]) << "a thread's proposals keep their order";
        last_of_thread[thread] = c.tag;
    }
    std::vector<recorded_entry> expected;
    for (auto [index, tag] : tag_at) expected.push_back({index, payload(tag)});
    EXPECT_EQ(sm.entries(), expected) << "apply() saw exactly the acknowledged entries, in order";
    EXPECT_GT(sm.snapshots_taken(), 0u);
}

TEST(metadata_quorum, post_runs_on_the_quorum_thread_after_earlier_work) {
    temp_dir dir("post");
    recording_state_machine sm;
    auto quorum = metadata_quorum::start(config_in(dir.path()), sm);
    done_collector collector;
    std::promise<std::thread::id> seen;
    quorum->propose(to_bytes("a"), collector.make(0));
    // Runs after the proposal was handed to raft: not necessarily after it applied.
    quorum->post([&] { seen.set_value(std::this_thread::get_id()); });
    EXPECT_NE(seen.get_future().get(), std::this_thread::get_id());
    ASSERT_TRUE(collector.wait_for(1));
}

TEST(metadata_quorum, an_entry_over_the_limit_fails) {
    temp_dir dir("too_big");
    recording_state_machine sm;
    quorum_config config = config_in(dir.path());
    config.entry_bytes_max = 16;
    auto quorum = metadata_quorum::start(config, sm);
    done_collector collector;
    quorum->propose(byte_buffer(17, 'x'), collector.make(0));
    quorum->propose(byte_buffer(16, 'y'), collector.make(1));
    ASSERT_TRUE(collector.wait_for(2));
    std::vector<completion> done = collector.done();
    EXPECT_EQ(done[0].error, quorum_errc::entry_too_big);
    EXPECT_FALSE(done[1].error);
    EXPECT_EQ(sm.entries().size(), 1u);
}

TEST(metadata_quorum, stop_completes_every_pending_proposal_once) {
    temp_dir dir("stop");
    recording_state_machine sm;
    auto quorum = metadata_quorum::start(config_in(dir.path()), sm);
    done_collector collector;
    constexpr int proposals = 300;
    for (int i = 0; i < proposals; ++i) quorum->propose(to_bytes("p" + std::to_string(i)), collector.make(i));
    quorum->stop();
    ASSERT_TRUE(collector.wait_for(proposals, std::chrono::milliseconds(0))) << "all completed by stop()";
    std::set<int> tags;
    size_t ok = 0;
    for (const completion& c : collector.done()) {
        EXPECT_TRUE(tags.insert(c.tag).second) << "proposal " << c.tag << " completed twice";
        if (!c.error) {
            ++ok;
        } else {
            EXPECT_EQ(c.error, quorum_errc::shutting_down) << c.error.message();
        }
    }
    EXPECT_EQ(sm.entries().size(), ok);
    EXPECT_FALSE(quorum->is_leader());

    // After stop: proposals fail at once, posts are dropped, stop is idempotent.
    bool posted_ran = false;
    quorum->post([&] { posted_ran = true; });
    quorum->propose(to_bytes("late"), collector.make(proposals));
    ASSERT_TRUE(collector.wait_for(proposals + 1, std::chrono::milliseconds(0)));
    EXPECT_EQ(collector.done().back().error, quorum_errc::shutting_down);
    quorum->stop();
    EXPECT_FALSE(posted_ran);
}

TEST(metadata_quorum, stop_while_another_thread_proposes) {
    temp_dir dir("stop_racing");
    recording_state_machine sm;
    quorum_config config = config_in(dir.path());
    config.snapshot_threshold = 16; // snapshots in flight when stop() comes too
    config.snapshot_trailing = 4;
    auto quorum = metadata_quorum::start(config, sm);
    done_collector collector;
    std::atomic<bool> stopped{false};
    std::atomic<int> proposed{0};
    std::thread proposer([&] {
        for (int i = 0; !stopped.load(); ++i) {
            quorum->propose(to_bytes("r" + std::to_string(i)), collector.make(i));
            proposed.store(i + 1);
        }
    });
    ASSERT_TRUE(collector.wait_for(100)); // well under way
    quorum->stop();
    stopped.store(true);
    proposer.join();
    ASSERT_TRUE(collector.wait_for(static_cast<size_t>(proposed.load()), std::chrono::milliseconds(0)));
    size_t ok = 0;
    for (const completion& c : collector.done()) {
        if (!c.error) {
            ++ok;
        } else {
            EXPECT_TRUE(c.error == quorum_errc::shutting_down || c.error == quorum_errc::busy) << c.error.message();
        }
    }
    EXPECT_EQ(sm.entries().size(), ok);
    EXPECT_EQ(collector.done().size(), static_cast<size_t>(proposed.load()));
}

// The quorum thread is held by a posted function, so exactly proposals_in_flight_max
// proposals queue up and the rest are refused at once.
TEST(metadata_quorum, proposals_over_the_in_flight_limit_fail_busy) {
    temp_dir dir("busy");
    recording_state_machine sm;
    quorum_config config = config_in(dir.path());
    config.proposals_in_flight_max = 8;
    auto quorum = metadata_quorum::start(config, sm);
    std::promise<void> release;
    std::promise<void> holding;
    quorum->post([&] {
        holding.set_value();
        release.get_future().wait();
    });
    holding.get_future().wait();
    done_collector collector;
    for (int i = 0; i < 20; ++i) quorum->propose(to_bytes("b" + std::to_string(i)), collector.make(i));
    ASSERT_TRUE(collector.wait_for(12, std::chrono::milliseconds(0))) << "refused at once";
    for (const completion& c : collector.done()) {
        EXPECT_EQ(c.error, quorum_errc::busy);
        EXPECT_GE(c.tag, 8);
    }
    release.set_value();
    ASSERT_TRUE(collector.wait_for(20));
    for (const completion& c : collector.done()) EXPECT_EQ(!c.error, c.tag < 8) << c.tag;
    EXPECT_EQ(sm.entries().size(), 8u);
}

TEST(metadata_quorum, listens_with_the_tcp_transport) {
    temp_dir dir("listen");
    recording_state_machine sm;
    quorum_config config = config_in(dir.path());
    config.listen = true;
    config.address = "127.0.0.1:0"; // any free port
    auto quorum = metadata_quorum::start(config, sm);
    done_collector collector;
    quorum->propose(to_bytes("over tcp config"), collector.make(0));
    ASSERT_TRUE(collector.wait_for(1));
    EXPECT_FALSE(collector.done()[0].error);
}

void expect_start_fails(const quorum_config& config, const std::string& expected_in_message) {
    recording_state_machine sm;
    try {
        metadata_quorum::start(config, sm);
        ADD_FAILURE() << "start() succeeded on " << config.dir;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(expected_in_message), std::string::npos) << e.what();
    }
}

TEST(metadata_quorum, start_fails_on_an_unusable_directory) {
    temp_dir dir("unusable");
    fs::create_directories(dir.path());
    std::ofstream(dir.path() + "/file") << "not a directory";
    expect_start_fails(config_in(dir.path() + "/file"), "Not a directory");
    expect_start_fails(config_in(dir.path() + "/file/sub"), "cannot create");
    // Read-only: libraft checks the mode itself, so this fails even for root.
    fs::create_directories(dir.path() + "/ro");
    ::chmod((dir.path() + "/ro").c_str(), 0555);
    expect_start_fails(config_in(dir.path() + "/ro"), "not writable");
    ::chmod((dir.path() + "/ro").c_str(), 0755);
}

TEST(metadata_quorum, start_fails_on_a_garbage_directory) {
    temp_dir dir("garbage");
    fs::create_directories(dir.path() + "/segment");
    std::ofstream(dir.path() + "/segment/0000000000000001-0000000000000003") << std::string(300, '\x5a');
    expect_start_fails(config_in(dir.path() + "/segment"), "load closed segment");
    fs::create_directories(dir.path() + "/metadata");
    std::ofstream(dir.path() + "/metadata/metadata1") << std::string(32, '\x7f');
    std::ofstream(dir.path() + "/metadata/open-1") << std::string(4096, '\x7f');
    expect_start_fails(config_in(dir.path() + "/metadata"), "metadata1");
    fs::create_directories(dir.path() + "/unknown");
    std::ofstream(dir.path() + "/unknown/README") << "hello";
    expect_start_fails(config_in(dir.path() + "/unknown"), "no configuration");
}

TEST(metadata_quorum, start_fails_when_the_node_is_not_a_voter) {
    temp_dir dir("other_node");
    {
        recording_state_machine sm;
        metadata_quorum::start(config_in(dir.path()), sm);
    }
    quorum_config config = config_in(dir.path());
    config.node_id = 2;
    expect_start_fails(config, "node id 2 is not a voter");
}

} // namespace
} // namespace sluice::raft
