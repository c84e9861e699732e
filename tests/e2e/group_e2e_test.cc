// Consumer groups end to end (Kafka's classic group protocol: FindCoordinator, JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit/OffsetFetch, ListGroups/DescribeGroups/
// DeleteGroups) with real clients: confluent-kafka (librdkafka) consumers as separate
// processes, kafka-python's KafkaConsumer and KafkaAdminClient (kafkajs:
// kafkajs_group_e2e_test.cc).
//
// Written against Kafka's behaviour before the broker had a group coordinator: every test asks
// ApiVersions first and skips while the broker does not advertise FindCoordinator and
// JoinGroup; a broker that advertises those must serve the rest of the group APIs too.
//
// The consumers commit after every batch and print a message only once its commit succeeded
// (clients/confluent_group_consume.py), so "every message exactly once across the group" is an
// exact check: the sorted union of what the members printed must equal the produced messages.
// Messages are e2e_messages.py's, produced in seq order by one producer per range: message seq
// is at partition seq % P, offset seq / P, and its content is checked by the consumers.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "e2e/advertised_apis.h"
#include "e2e/background_process.h"
#include "e2e/e2e_support.h"

namespace sluice::e2e {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// No wait before the first generation (Kafka's default is 3 s), and a small offsets topic.
std::vector<std::string> group_broker_args() {
    return {"--set", "group.initial.rebalance.delay.ms=0", "--set", "offsets.topic.num.partitions=4"};
}

// Polls `condition` until it holds or `timeout` passes; its last value.
template <typename F>
bool wait_for(F condition, std::chrono::milliseconds timeout) {
    for (const auto deadline = clock::now() + timeout; clock::now() < deadline;) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

// The complete lines of `text` (a running process's output may end in a partial line).
std::vector<std::string> complete_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t at = 0;
    for (size_t end; (end = text.find('\n', at)) != std::string::npos; at = end + 1) lines.push_back(text.substr(at, end - at));
    return lines;
}

std::vector<std::string> starting(const std::vector<std::string>& lines, std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& l : lines)
        if (l.starts_with(prefix)) out.push_back(l);
    return out;
}

// A consumed message: partition, offset, seq.
using message = std::tuple<int, int64_t, int64_t>;

// "msg <partition> <offset> <seq>" lines.
std::vector<message> messages_in(const std::vector<std::string>& lines) {
    std::vector<message> out;
    for (const auto& l : starting(lines, "msg ")) {
        std::istringstream in(l.substr(4));
        int p;
        int64_t o, s;
        in >> p >> o >> s;
        out.emplace_back(p, o, s);
    }
    return out;
}

// Messages first..first+count-1 of a topic with `partitions` partitions, sorted.
std::vector<message> produced(int64_t first, int64_t count, int partitions) {
    std::vector<message> out;
    for (int64_t seq = first; seq < first + count; ++seq) out.emplace_back(seq % partitions, seq / partitions, seq);
    std::sort(out.begin(), out.end());
    return out;
}

// "committed <p> <offset>" for partitions 0..partitions-1, each at `offsets[p]`.
std::vector<std::string> committed_lines(const std::vector<int64_t>& offsets) {
    std::vector<std::string> out;
    for (size_t p = 0; p < offsets.size(); ++p)
        out.push_back("committed " + std::to_string(p) + " " + std::to_string(offsets[p]));
    return out;
}

// The same for a consumer that took offsets 0..taken[p]-1 of each partition p from the start
// and committed after them: librdkafka shows a partition it never committed as -1001
// (OFFSET_INVALID).
std::vector<std::string> committed_after(const std::vector<int64_t>& taken) {
    std::vector<int64_t> offsets;
    for (int64_t t : taken) offsets.push_back(t == 0 ? -1001 : t);
    return committed_lines(offsets);
}

std::string joined(const std::set<int>& partitions) {
    std::string out;
    for (int p : partitions) out += (out.empty() ? "" : ",") + std::to_string(p);
    return out;
}

// A clients/confluent_group_consume.py process: a member of `group` until stop() or kill().
class group_member {
public:
    group_member(const std::string& name, const std::string& bootstrap, const std::string& topic,
                 const std::string& group, int partitions, std::vector<std::string> extra = {})
        : _name(name), _process(argv(bootstrap, topic, group, partitions, name, extra)) {}

    const std::string& name() const { return _name; }
    std::vector<std::string> lines() const { return complete_lines(_process.out()); }
    // The "assigned"/"revoked" lines so far.
    std::vector<std::string> rebalances() const {
        std::vector<std::string> out;
        for (const auto& l : lines())
            if (l == "assigned" || l == "revoked" || l.starts_with("assigned ") || l.starts_with("revoked ")) out.push_back(l);
        return out;
    }
    // The partitions it owns now, from its rebalance lines.
    std::set<int> assignment() const {
        std::set<int> owned;
        for (const auto& l : rebalances()) {
            std::istringstream in(l);
            std::string word;
            in >> word;
            if (word == "assigned") owned.clear();
            for (int p; in >> p;) word == "assigned" ? void(owned.insert(p)) : void(owned.erase(p));
        }
        return owned;
    }
    std::vector<message> messages() const { return messages_in(lines()); }

    // SIGTERM: the script closes the consumer (LeaveGroup unless static) and exits; its exit code.
    int stop() {
        _process.signal(SIGTERM);
        return _process.wait(60s).value_or(-1);
    }
    int kill() {
        _process.signal(SIGKILL);
        return _process.wait(20s).value_or(-1);
    }
    std::string describe() const {
        std::string rebalance_lines;
        for (const auto& l : rebalances()) rebalance_lines += "  " + l + "\n";
        return _name + ": owns {" + joined(assignment()) + "}, " + std::to_string(messages().size()) +
               " messages; rebalances:\n" + rebalance_lines + "stderr:\n" + _process.err();
    }

private:
    static std::vector<std::string> argv(const std::string& bootstrap, const std::string& topic, const std::string& group,
                                         int partitions, const std::string& name, const std::vector<std::string>& extra) {
        std::vector<std::string> args = {python, script_path("confluent_group_consume.py"), bootstrap, topic, group,
                                         "--partitions", std::to_string(partitions), "--client-id", name};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    std::string _name;
    background_process _process;
};

using members = std::vector<const group_member*>;

std::string describe(const members& group) {
    std::string out;
    for (const auto* m : group) out += m->describe() + "\n";
    return out;
}

// Each member owns exactly `each` partitions and together they own all `partitions`, once.
bool shared(const members& group, size_t each, int partitions) {
    std::multiset<int> all;
    for (const auto* m : group) {
        const auto owned = m->assignment();
        if (owned.size() != each) return false;
        all.insert(owned.begin(), owned.end());
    }
    std::multiset<int> expected;
    for (int p = 0; p < partitions; ++p) expected.insert(p);
    return all == expected;
}

// What the members consumed, together, sorted (a message consumed twice appears twice).
std::vector<message> consumed(const members& group) {
    std::vector<message> all;
    for (const auto* m : group) {
        const auto mine = m->messages();
        all.insert(all.end(), mine.begin(), mine.end());
    }
    std::sort(all.begin(), all.end());
    return all;
}

// A short account of how `got` differs from `want` (both sorted): duplicates, missing, extra.
std::string difference(const std::vector<message>& got, const std::vector<message>& want) {
    std::ostringstream out;
    std::vector<message> missing, extra;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
    out << got.size() << " consumed, " << want.size() << " wanted; " << missing.size() << " missing, " << extra.size()
        << " extra (duplicates included)";
    auto show = [&](const char* what, const std::vector<message>& v) {
        for (size_t i = 0; i < std::min<size_t>(v.size(), 5); ++i)
            out << "; " << what << " " << std::get<0>(v[i]) << "/" << std::get<1>(v[i]) << " seq " << std::get<2>(v[i]);
    };
    show("missing", missing);
    show("extra", extra);
    return out.str();
}

class group_e2e : public broker_test {
protected:
    void SetUp() override {
        if (!python_has("confluent_kafka") || !python_has("kafka"))
            GTEST_SKIP() << "needs python3-confluent-kafka and python3-kafka";
        start(group_broker_args());
        if (HasFatalFailure()) return;
        const auto apis = advertised_apis(broker->port());
        if (auto absent = missing_apis(apis, {find_coordinator_api, join_group_api}); !absent.empty())
            GTEST_SKIP() << "the broker does not advertise " << absent << " (no consumer groups yet)";
        ASSERT_EQ(missing_apis(apis, {sync_group_api, heartbeat_api, leave_group_api, offset_commit_api,
                                      offset_fetch_api, list_groups_api, describe_groups_api, delete_groups_api}),
                  "")
            << "the broker advertises FindCoordinator and JoinGroup: it must serve the other group APIs too";
    }

    void create_topic(const std::string& topic, int partitions) {
        auto r = run_script("confluent_create_topic.py", {broker->bootstrap(), topic, std::to_string(partitions)}, 60s);
        ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
    }

    // Messages first..first+count-1 to partition seq % partitions, all acknowledged.
    void produce(const std::string& topic, int64_t first, int64_t count, int partitions) {
        auto r = run_script("confluent_produce.py", {broker->bootstrap(), topic, "--first", std::to_string(first),
                                                     "--count", std::to_string(count), "--partitions",
                                                     std::to_string(partitions)});
        ASSERT_TRUE(r.ok()) << r.describe() << broker->log();
        ASSERT_EQ(lines_starting(r.out, "acked "),
                  std::vector<std::string>{"acked " + std::to_string(count) + " errors 0 undelivered 0"});
    }

    // A one-shot confluent_group_consume.py run (--max-messages, --until-end, --committed-only).
    std::vector<std::string> consume_once(const std::string& topic, const std::string& group, int partitions,
                                          std::vector<std::string> extra) {
        std::vector<std::string> args = {broker->bootstrap(), topic, group, "--partitions", std::to_string(partitions)};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run_script("confluent_group_consume.py", args);
        EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
        const auto lines = complete_lines(r.out);
        EXPECT_TRUE(!lines.empty() && lines.back() == "closed") << r.out;
        return lines;
    }

    std::unique_ptr<group_member> member(const std::string& name, const std::string& topic, const std::string& group,
                                         int partitions, std::vector<std::string> extra = {}) {
        return std::make_unique<group_member>(name, broker->bootstrap(), topic, group, partitions, std::move(extra));
    }

    void stop(group_member& m) {
        EXPECT_EQ(m.stop(), 0) << m.describe();
        const auto lines = m.lines();
        EXPECT_TRUE(!lines.empty() && lines.back() == "closed") << m.describe();
    }
};

// Scenario 1: three members of one group on six partitions get two each; one leaves (close():
// LeaveGroup) while a producer is running, and the other two get three each; every message
// produced before and during the run is consumed exactly once across the group.
TEST_F(group_e2e, three_members_share_six_partitions_and_consume_every_message_once) {
    constexpr int partitions = 6;
    const std::string topic = "shared";
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 600, partitions));

    auto a = member("member-a", topic, "sharers", partitions);
    auto b = member("member-b", topic, "sharers", partitions);
    auto c = member("member-c", topic, "sharers", partitions);
    const members all = {a.get(), b.get(), c.get()};
    ASSERT_TRUE(wait_for([&] { return shared(all, 2, partitions); }, 60s))
        << "not two partitions each:\n" << describe(all) << broker->log();

    // 1200 more at 400 per second; member c leaves once the group has read into them.
    background_process producer({python, script_path("confluent_produce.py"), broker->bootstrap(), topic, "--first",
                                 "600", "--count", "1200", "--partitions", std::to_string(partitions), "--rate", "400"});
    ASSERT_TRUE(wait_for([&] { return consumed(all).size() >= 800; }, 60s)) << describe(all);
    stop(*c);
    const members rest = {a.get(), b.get()};
    ASSERT_TRUE(wait_for([&] { return shared(rest, 3, partitions); }, 60s))
        << "not three partitions each after member-c left:\n" << describe(all) << broker->log();

    ASSERT_EQ(producer.wait(120s), std::optional<int>(0)) << producer.out() << producer.err();
    EXPECT_EQ(lines_starting(producer.out(), "acked "), std::vector<std::string>{"acked 1200 errors 0 undelivered 0"});
    const auto want = produced(0, 1800, partitions);
    EXPECT_TRUE(wait_for([&] { return consumed(all).size() >= want.size(); }, 60s)) << describe(all);
    EXPECT_TRUE(shared(rest, 3, partitions)) << "a rebalance after member-c left:\n" << describe(all);
    stop(*a);
    stop(*b);
    const auto got = consumed(all);
    EXPECT_EQ(got, want) << difference(got, want);
    // Each read the group's offsets before closing: everything committed.
    EXPECT_EQ(starting(b->lines(), "committed "), committed_lines(std::vector<int64_t>(partitions, 300)));
}

// Scenario 2: a consumer reads N messages, commits them and closes; more are produced; a new
// consumer in the same group reads exactly the rest, from the committed offsets on.
TEST_F(group_e2e, a_new_consumer_resumes_from_the_committed_offsets) {
    constexpr int partitions = 3;
    const std::string topic = "resumed";
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 300, partitions));

    const auto first = consume_once(topic, "resumers", partitions, {"--max-messages", "120"});
    const auto first_messages = messages_in(first);
    ASSERT_EQ(first_messages.size(), 120u) << ::testing::PrintToString(first);
    // Per partition a prefix of the log, committed up to its end.
    std::vector<int64_t> taken(partitions, 0);
    for (const auto& [p, o, seq] : first_messages) {
        EXPECT_EQ(o, taken[p]) << "partition " << p << " seq " << seq;
        taken[p] = o + 1;
    }
    EXPECT_EQ(starting(first, "committed "), committed_after(taken));

    ASSERT_NO_FATAL_FAILURE(produce(topic, 300, 300, partitions));
    const auto second = consume_once(topic, "resumers", partitions, {"--until-end"});
    auto got = first_messages;
    const auto second_messages = messages_in(second);
    got.insert(got.end(), second_messages.begin(), second_messages.end());
    std::sort(got.begin(), got.end());
    const auto want = produced(0, 600, partitions);
    EXPECT_EQ(got, want) << difference(got, want);
    for (int p = 0; p < partitions; ++p) {
        const auto from = std::find_if(second_messages.begin(), second_messages.end(),
                                       [&](const message& m) { return std::get<0>(m) == p; });
        ASSERT_NE(from, second_messages.end()) << "partition " << p;
        EXPECT_EQ(std::get<1>(*from), taken[p]) << "partition " << p << " does not resume at its committed offset";
    }
    EXPECT_EQ(starting(second, "committed "), committed_lines({200, 200, 200}));
}

// Scenario 3: static membership (KIP-345). librdkafka's static member does not send LeaveGroup
// when it closes; restarted with the same group.instance.id within session.timeout.ms it gets
// its partitions back without a rebalance: the other member sees no revocation and no new
// assignment, not even once the closed member's session timeout has passed.
TEST_F(group_e2e, a_static_member_restarted_within_its_session_timeout_causes_no_rebalance) {
    constexpr int partitions = 4;
    constexpr auto session_timeout = 10s;
    const std::string topic = "static";
    const std::vector<std::string> timeouts = {"--session-timeout-ms", "10000", "--heartbeat-interval-ms", "500"};
    auto with_instance = [&](const std::string& id) {
        auto args = timeouts;
        args.insert(args.end(), {"--instance-id", id});
        return args;
    };
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 40, partitions));

    // a alone, then b joins: a leads the group and keeps two partitions.
    auto a = member("static-a", topic, "statics", partitions, with_instance("instance-a"));
    ASSERT_TRUE(wait_for([&] { return a->assignment().size() == 4; }, 60s)) << a->describe() << broker->log();
    auto b = member("static-b", topic, "statics", partitions, with_instance("instance-b"));
    ASSERT_TRUE(wait_for([&] { return shared({a.get(), b.get()}, 2, partitions); }, 60s))
        << describe({a.get(), b.get()}) << broker->log();
    ASSERT_TRUE(wait_for([&] { return consumed({a.get(), b.get()}).size() >= 40; }, 60s)) << describe({a.get(), b.get()});
    const auto a_rebalances = a->rebalances();
    const auto a_partitions = a->assignment();
    const auto b_partitions = b->assignment();

    // b closes (no LeaveGroup) and comes back as the same instance.
    stop(*b);
    const auto closed_at = clock::now();
    auto b2 = member("static-b2", topic, "statics", partitions, with_instance("instance-b"));
    ASSERT_TRUE(wait_for([&] { return !b2->assignment().empty(); }, 30s)) << b2->describe() << broker->log();
    EXPECT_LT(clock::now() - closed_at, session_timeout) << "the restarted member was assigned too late to tell";
    EXPECT_EQ(b2->assignment(), b_partitions) << b2->describe();
    ASSERT_NO_FATAL_FAILURE(produce(topic, 40, 40, partitions));
    const members all = {a.get(), b.get(), b2.get()};
    ASSERT_TRUE(wait_for([&] { return consumed(all).size() >= 80; }, 60s)) << describe(all);

    // Past the closed member's session timeout (and a few of a's heartbeats): still no rebalance.
    std::this_thread::sleep_until(closed_at + session_timeout + 2s);
    ASSERT_NO_FATAL_FAILURE(produce(topic, 80, 40, partitions));
    ASSERT_TRUE(wait_for([&] { return consumed(all).size() >= 120; }, 60s)) << describe(all);

    EXPECT_EQ(a->rebalances(), a_rebalances) << "the surviving static member was rebalanced:\n" << describe(all);
    EXPECT_EQ(a->assignment(), a_partitions);
    std::string b_assigned = "assigned";
    for (int p : b_partitions) b_assigned += " " + std::to_string(p);
    EXPECT_EQ(b2->rebalances(), std::vector<std::string>{b_assigned}) << b2->describe();
    stop(*a);
    stop(*b2);
    const auto got = consumed(all);
    const auto want = produced(0, 120, partitions);
    EXPECT_EQ(got, want) << difference(got, want);
}

// Scenario 4: a member killed with SIGKILL (no LeaveGroup, no more heartbeats): after its
// session timeout (6 s, the broker minimum) its partitions go to the survivor, which consumes
// what was produced to them meanwhile; every message exactly once.
TEST_F(group_e2e, a_killed_members_partitions_go_to_the_survivor_after_its_session_timeout) {
    constexpr int partitions = 4;
    const std::string topic = "killed";
    const std::vector<std::string> timeouts = {"--session-timeout-ms", "6000", "--heartbeat-interval-ms", "500"};
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));

    auto a = member("survivor", topic, "killers", partitions, timeouts);
    auto b = member("victim", topic, "killers", partitions, timeouts);
    const members all = {a.get(), b.get()};
    ASSERT_TRUE(wait_for([&] { return shared(all, 2, partitions); }, 60s)) << describe(all) << broker->log();
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 200, partitions));
    // Everything read and committed: the victim has no uncommitted work when it dies.
    ASSERT_TRUE(wait_for([&] { return consumed(all).size() >= 200; }, 60s)) << describe(all);
    ASSERT_FALSE(b->messages().empty()) << describe(all);

    EXPECT_EQ(b->kill(), 128 + SIGKILL);
    const auto killed_at = clock::now();
    ASSERT_NO_FATAL_FAILURE(produce(topic, 200, 200, partitions));
    ASSERT_TRUE(wait_for([&] { return a->assignment() == std::set<int>{0, 1, 2, 3}; }, 6s + 30s))
        << "the survivor did not get every partition:\n" << describe(all) << broker->log();
    RecordProperty("reassigned_after_ms",
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - killed_at).count()));
    const auto want = produced(0, 400, partitions);
    EXPECT_TRUE(wait_for([&] { return consumed(all).size() >= want.size(); }, 60s)) << describe(all);
    stop(*a);
    const auto got = consumed(all);
    EXPECT_EQ(got, want) << difference(got, want);
    EXPECT_EQ(starting(a->lines(), "committed "), committed_lines({100, 100, 100, 100}));
}

// Scenario 5: kafka-python's KafkaConsumer in a group: consumes everything, commits,
// committed() returns exactly the end offsets; the next run gets only what was produced since,
// and the one after that nothing.
TEST_F(group_e2e, kafka_python_commits_and_resumes) {
    constexpr int partitions = 3;
    const std::string topic = "kafka-python-group";
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 300, partitions));
    auto run = [&] {
        auto r = run_script("kafka_python_group_consume.py",
                            {broker->bootstrap(), topic, "kp-readers", "--partitions", std::to_string(partitions)});
        EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
        return complete_lines(r.out);
    };

    auto lines = run();
    auto got = messages_in(lines);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, produced(0, 300, partitions)) << difference(got, produced(0, 300, partitions));
    EXPECT_EQ(starting(lines, "committed "), committed_lines({100, 100, 100}));
    EXPECT_EQ(starting(lines, "consumed "), std::vector<std::string>{"consumed 300 bad 0"});

    ASSERT_NO_FATAL_FAILURE(produce(topic, 300, 30, partitions));
    lines = run();
    got = messages_in(lines);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, produced(300, 30, partitions)) << difference(got, produced(300, 30, partitions));
    EXPECT_EQ(starting(lines, "committed "), committed_lines({110, 110, 110}));

    lines = run();
    EXPECT_EQ(messages_in(lines), std::vector<message>{});
    EXPECT_EQ(starting(lines, "committed "), committed_lines({110, 110, 110}));
    EXPECT_EQ(starting(lines, "consumed "), std::vector<std::string>{"consumed 0 bad 0"});
}

// Scenario 7: committed offsets survive a broker restart (SIGTERM, and SIGKILL: an acknowledged
// commit is durable): OffsetFetch returns them afterwards and a consumer resumes from them.
class group_restart_e2e : public group_e2e, public ::testing::WithParamInterface<int> {};

TEST_P(group_restart_e2e, committed_offsets_survive_a_broker_restart) {
    constexpr int partitions = 3;
    const std::string topic = "durable";
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 300, partitions));
    const auto first = consume_once(topic, "durables", partitions, {"--max-messages", "150"});
    const auto first_messages = messages_in(first);
    ASSERT_EQ(first_messages.size(), 150u);
    std::vector<int64_t> taken(partitions, 0);
    for (const auto& [p, o, seq] : first_messages) taken[p] = std::max(taken[p], o + 1);
    ASSERT_EQ(starting(first, "committed "), committed_after(taken));

    restart(GetParam());
    if (HasFatalFailure()) return;

    EXPECT_EQ(starting(consume_once(topic, "durables", partitions, {"--committed-only"}), "committed "),
              committed_after(taken));
    const auto second = consume_once(topic, "durables", partitions, {"--until-end"});
    auto got = first_messages;
    const auto second_messages = messages_in(second);
    got.insert(got.end(), second_messages.begin(), second_messages.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, produced(0, 300, partitions)) << difference(got, produced(0, 300, partitions));
    EXPECT_EQ(second_messages.size(), 150u);
    EXPECT_EQ(starting(second, "committed "), committed_lines({100, 100, 100}));
}

INSTANTIATE_TEST_SUITE_P(signals, group_restart_e2e, ::testing::Values(SIGTERM, SIGKILL),
                         [](const auto& info) { return std::string(info.param == SIGTERM ? "sigterm" : "sigkill"); });

// Scenario 8: listing, describing and deleting a group with the admin APIs: librdkafka's
// list_groups (ListGroups + DescribeGroups), kafka-python's list_consumer_groups,
// describe_consumer_groups, list_consumer_group_offsets and delete_consumer_groups. A stable
// group shows its members and their assignments; deleting it fails with NON_EMPTY_GROUP while
// it has members; once they left it is Empty, deletes, and is gone (offsets too).
TEST_F(group_e2e, groups_are_listed_described_and_deleted) {
    constexpr int partitions = 4;
    const std::string topic = "administered";
    ASSERT_NO_FATAL_FAILURE(create_topic(topic, partitions));
    ASSERT_NO_FATAL_FAILURE(produce(topic, 0, 40, partitions));
    auto a = member("admin-a", topic, "administered-group", partitions);
    auto b = member("admin-b", topic, "administered-group", partitions);
    const members all = {a.get(), b.get()};
    ASSERT_TRUE(wait_for([&] { return shared(all, 2, partitions); }, 60s)) << describe(all) << broker->log();
    ASSERT_TRUE(wait_for([&] { return consumed(all).size() >= 40; }, 60s)) << describe(all);
    auto admin = [&](const std::string& command) {
        auto r = run_script("group_admin.py", {broker->bootstrap(), command, "administered-group"}, 60s);
        EXPECT_TRUE(r.ok()) << r.describe() << broker->log();
        return complete_lines(r.out);
    };
    const std::vector<std::string> offsets = {"kp-offset administered 0 10", "kp-offset administered 1 10",
                                              "kp-offset administered 2 10", "kp-offset administered 3 10"};

    auto lines = admin("describe");
    EXPECT_EQ(starting(lines, "list "), std::vector<std::string>{"list administered-group Stable consumer range members 2"});
    EXPECT_EQ(starting(lines, "member "),
              (std::vector<std::string>{"member admin-a /127.0.0.1 administered:" + joined(a->assignment()),
                                        "member admin-b /127.0.0.1 administered:" + joined(b->assignment())}));
    EXPECT_EQ(starting(lines, "kp-list "), std::vector<std::string>{"kp-list administered-group consumer"});
    EXPECT_EQ(starting(lines, "kp-describe "),
              std::vector<std::string>{"kp-describe administered-group Stable consumer range members 2"});
    EXPECT_EQ(starting(lines, "kp-member "),
              (std::vector<std::string>{"kp-member admin-a administered:" + joined(a->assignment()),
                                        "kp-member admin-b administered:" + joined(b->assignment())}));
    EXPECT_EQ(starting(lines, "kp-offset "), offsets);

    EXPECT_EQ(admin("delete"), std::vector<std::string>{"kp-delete administered-group NON_EMPTY_GROUP"});

    stop(*a);
    stop(*b);
    // The last LeaveGroup empties the group (PreparingRebalance completes at once with no members).
    const std::vector<std::string> empty = {"list administered-group Empty consumer - members 0"};
    EXPECT_TRUE(wait_for([&] { return starting(lines = admin("describe"), "list ") == empty; }, 20s));
    EXPECT_EQ(starting(lines, "list "), empty);
    EXPECT_EQ(starting(lines, "member "), std::vector<std::string>{});
    EXPECT_EQ(starting(lines, "kp-list "), std::vector<std::string>{"kp-list administered-group consumer"});
    EXPECT_EQ(starting(lines, "kp-describe "),
              std::vector<std::string>{"kp-describe administered-group Empty consumer - members 0"});
    EXPECT_EQ(starting(lines, "kp-offset "), offsets);

    EXPECT_EQ(admin("delete"), std::vector<std::string>{"kp-delete administered-group NO_ERROR"});
    lines = admin("describe");
    EXPECT_EQ(starting(lines, "list "), std::vector<std::string>{});
    EXPECT_EQ(starting(lines, "kp-list "), std::vector<std::string>{});
    // Kafka describes a group it does not know as Dead (DescribeGroups before v6).
    EXPECT_EQ(starting(lines, "kp-describe "), std::vector<std::string>{"kp-describe administered-group Dead - - members 0"});
    EXPECT_EQ(starting(lines, "kp-offset "), std::vector<std::string>{});
    EXPECT_EQ(admin("delete"), std::vector<std::string>{"kp-delete administered-group GROUP_ID_NOT_FOUND"});
}

} // namespace
} // namespace sluice::e2e
