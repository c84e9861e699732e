#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "coordinator/assignors.h"

namespace sluice::coordinator {
namespace {

uuid topic_uuid(uint8_t n) {
    uuid u;
    u.bytes[0] = 0x5a;
    u.bytes[15] = n;
    return u;
}

const uuid t1 = topic_uuid(1);
const uuid t2 = topic_uuid(2);
const uuid t3 = topic_uuid(3);

std::vector<model::partition_id> parts(std::initializer_list<int32_t> ids) {
    std::vector<model::partition_id> out;
    for (int32_t id : ids) out.emplace_back(id);
    return out;
}

assignor_topic topic(const uuid& id, int32_t partitions) {
    return {.id = id, .name = "topic-" + std::to_string(id.bytes[15]), .partition_count = partitions};
}

assignor_member member(std::string id, std::vector<uuid> subscribed, topic_partitions current = {}) {
    return {.member_id = std::move(id), .subscribed_topic_ids = std::move(subscribed),
            .current_assignment = std::move(current)};
}

int64_t size_of(const topic_partitions& assignment) {
    int64_t n = 0;
    for (const auto& [topic_id, partitions] : assignment) n += static_cast<int64_t>(partitions.size());
    return n;
}

// The current assignment of each member: the given result.
void carry_over(assignment_spec& spec, const group_assignment& result) {
    for (auto& m : spec.members) {
        auto it = result.find(m.member_id);
        m.current_assignment = it == result.end() ? topic_partitions{} : it->second;
    }
}

// ---- uniform: exact small cases ----

TEST(uniform_assignor, first_assignment_fills_members_in_member_id_order) {
    assignment_spec spec{.members = {member("b", {t1}), member("a", {t1}), member("c", {t1})},
                         .topics = {topic(t1, 7)}};
    group_assignment expected{{"a", {{t1, parts({0, 1, 2})}}},
                              {"b", {{t1, parts({3, 4})}}},
                              {"c", {{t1, parts({5, 6})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, two_topics_homogeneous) {
    assignment_spec spec{.members = {member("a", {t2, t1}), member("b", {t1, t2})},
                         .topics = {topic(t1, 3), topic(t2, 3)}};
    group_assignment expected{{"a", {{t1, parts({0, 1, 2})}}}, {"b", {{t2, parts({0, 1, 2})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, joining_member_takes_one_partition_from_each_overloaded_member) {
    // 7 partitions over 3 members: quotas 3, 2, 2. a and b hold more than the minimum, so one
    // of them (a, the first) keeps 3; nothing moves between a and b.
    assignment_spec spec{.members = {member("a", {t1}, {{t1, parts({0, 1, 2, 3})}}),
                                     member("b", {t1}, {{t1, parts({4, 5, 6})}}),
                                     member("c", {t1})},
                         .topics = {topic(t1, 7)}};
    group_assignment expected{{"a", {{t1, parts({0, 1, 2})}}},
                              {"b", {{t1, parts({4, 5})}}},
                              {"c", {{t1, parts({3, 6})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, extra_partition_goes_to_a_member_that_already_holds_it) {
    // 5 partitions over 2 members: one gets 3. b holds 3, so b keeps them (Kafka's hash order
    // could give the extra slot to a and move a partition from b to a).
    assignment_spec spec{.members = {member("a", {t1}, {{t1, parts({0, 1})}}),
                                     member("b", {t1}, {{t1, parts({2, 3, 4})}})},
                         .topics = {topic(t1, 5)}};
    group_assignment expected{{"a", {{t1, parts({0, 1})}}}, {"b", {{t1, parts({2, 3, 4})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, leaving_member_partitions_go_to_the_others) {
    assignment_spec spec{.members = {member("a", {t1}, {{t1, parts({0, 1})}}),
                                     member("b", {t1}, {{t1, parts({2, 3})}})},
                         .topics = {topic(t1, 6)}};  // c, which held 4 and 5, has left
    group_assignment expected{{"a", {{t1, parts({0, 1, 4})}}}, {"b", {{t1, parts({2, 3, 5})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, revokes_unsubscribed_deleted_and_out_of_range_partitions) {
    uuid deleted = topic_uuid(9);
    assignment_spec spec{
        .members = {member("a", {t1, deleted}, {{t1, parts({0, 7})}, {t2, parts({0})}, {deleted, parts({0})}}),
                    member("b", {t1}, {{t1, parts({1})}})},
        .topics = {topic(t1, 4), topic(t2, 2)}};
    group_assignment expected{{"a", {{t1, parts({0, 2})}}}, {"b", {{t1, parts({1, 3})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, heterogeneous_first_assignment) {
    // t1 (3 partitions, 1 subscriber) goes first: a gets all of it; then t2's partitions go to
    // its least loaded subscriber, b, each time.
    assignment_spec spec{.members = {member("a", {t1, t2}), member("b", {t2})},
                         .topics = {topic(t1, 3), topic(t2, 3)}};
    group_assignment expected{{"a", {{t1, parts({0, 1, 2})}}}, {"b", {{t2, parts({0, 1, 2})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, heterogeneous_balance_moves_highest_partitions_of_the_most_loaded) {
    // a keeps t2 0-2 and gets t1 0-1 (its only subscriber): 5 against b's 0. Balancing t2 moves
    // a's highest t2 partitions to b until they differ by one.
    assignment_spec spec{.members = {member("a", {t1, t2}, {{t2, parts({0, 1, 2})}}), member("b", {t2})},
                         .topics = {topic(t1, 2), topic(t2, 3)}};
    group_assignment expected{{"a", {{t1, parts({0, 1})}, {t2, parts({0})}}}, {"b", {{t2, parts({1, 2})}}}};
    EXPECT_EQ(assign_uniform(spec), expected);
}

TEST(uniform_assignor, topics_with_zero_partitions) {
    assignment_spec homogeneous{.members = {member("a", {t1}), member("b", {t1})}, .topics = {topic(t1, 0)}};
    group_assignment empty{{"a", {}}, {"b", {}}};
    EXPECT_EQ(assign_uniform(homogeneous), empty);

    assignment_spec heterogeneous{.members = {member("a", {t1, t2}), member("b", {t2})},
                                  .topics = {topic(t1, 0), topic(t2, 2)}};
    group_assignment expected{{"a", {{t2, parts({0})}}}, {"b", {{t2, parts({1})}}}};
    EXPECT_EQ(assign_uniform(heterogeneous), expected);
}

TEST(uniform_assignor, no_members_and_no_subscriptions) {
    EXPECT_TRUE(assign_uniform({.topics = {topic(t1, 3)}}).empty());
    assignment_spec spec{.members = {member("a", {}), member("b", {t3})}, .topics = {topic(t1, 3)}};
    group_assignment empty{{"a", {}}, {"b", {}}};
    EXPECT_EQ(assign_uniform(spec), empty);
}

// ---- range: exact small cases ----

TEST(range_assignor, co_partitions_topics_with_equal_partition_counts) {
    // Kafka's RangeAssignor javadoc example.
    assignment_spec spec{.members = {member("m1", {t1, t2}), member("m0", {t1, t2})},
                         .topics = {topic(t1, 3), topic(t2, 3)}};
    group_assignment expected{{"m0", {{t1, parts({0, 1})}, {t2, parts({0, 1})}}},
                              {"m1", {{t1, parts({2})}, {t2, parts({2})}}}};
    EXPECT_EQ(assign_range(spec), expected);
}

TEST(range_assignor, heterogeneous_ranges_per_topic_subscribers) {
    assignment_spec spec{.members = {member("a", {t1}), member("b", {t1, t2}), member("c", {t2})},
                         .topics = {topic(t1, 3), topic(t2, 2)}};
    group_assignment expected{{"a", {{t1, parts({0, 1})}}},
                              {"b", {{t1, parts({2})}, {t2, parts({0})}}},
                              {"c", {{t2, parts({1})}}}};
    EXPECT_EQ(assign_range(spec), expected);
}

TEST(range_assignor, static_members_first_by_instance_id) {
    assignor_member z = member("m-z", {t1});
    z.instance_id = "i-0";
    assignor_member a = member("m-a", {t1});
    a.instance_id = "i-1";
    assignment_spec spec{.members = {member("m-b", {t1}), a, z}, .topics = {topic(t1, 5)}};
    group_assignment expected{{"m-z", {{t1, parts({0, 1})}}},
                              {"m-a", {{t1, parts({2, 3})}}},
                              {"m-b", {{t1, parts({4})}}}};
    EXPECT_EQ(assign_range(spec), expected);

    // The static member restarts with a new member id: it takes back its range.
    spec.members[2].member_id = "m-new";
    expected["m-new"] = expected["m-z"];
    expected.erase("m-z");
    EXPECT_EQ(assign_range(spec), expected);
}

TEST(range_assignor, more_members_than_partitions_and_zero_partitions) {
    assignment_spec spec{.members = {member("a", {t1, t2}), member("b", {t1, t2}), member("c", {t1, t2})},
                         .topics = {topic(t1, 2), topic(t2, 0)}};
    group_assignment expected{{"a", {{t1, parts({0})}}}, {"b", {{t1, parts({1})}}}, {"c", {}}};
    EXPECT_EQ(assign_range(spec), expected);
    EXPECT_TRUE(assign_range({.topics = {topic(t1, 2)}}).empty());
}

TEST(range_assignor, ranges_depend_only_on_members_and_topics_not_on_current_assignment) {
    assignment_spec spec{.members = {member("a", {t1}, {{t1, parts({3})}}), member("b", {t1}, {{t1, parts({0})}})},
                         .topics = {topic(t1, 4)}};
    group_assignment expected{{"a", {{t1, parts({0, 1})}}}, {"b", {{t1, parts({2, 3})}}}};
    EXPECT_EQ(assign_range(spec), expected);
    carry_over(spec, expected);
    EXPECT_EQ(assign_range(spec), expected);  // members keep their ranges
}

// ---- properties over seeded random groups ----

// Reproduce a failure with the seed in its message.
struct random_group {
    explicit random_group(uint32_t seed) : rng(seed) {}

    int32_t uniform_int(int32_t low, int32_t high) { return std::uniform_int_distribution<int32_t>(low, high)(rng); }
    bool chance(int percent) { return uniform_int(1, 100) <= percent; }

    // Topics t1..tN with 0-12 partitions; members subscribe to all (homogeneous) or to a random
    // non-empty subset; the current assignment is a random disjoint one over any member,
    // subscribed or not, with a few stale partitions (beyond the count, unknown topics).
    assignment_spec make(bool homogeneous) {
        assignment_spec spec;
        const int32_t topic_count = uniform_int(1, 5);
        for (int32_t t = 1; t <= topic_count; ++t) spec.topics.push_back(topic(topic_uuid(t), uniform_int(0, 12)));
        const int32_t member_count = uniform_int(1, 8);
        for (int32_t m = 0; m < member_count; ++m) {
            std::vector<uuid> subscribed;
            for (const auto& t : spec.topics) {
                if (homogeneous || chance(50)) subscribed.push_back(t.id);
            }
            if (subscribed.empty()) subscribed.push_back(spec.topics[uniform_int(0, topic_count - 1)].id);
            spec.members.push_back(member("member-" + std::to_string(uniform_int(0, 1'000'000)) + "-" +
                                              std::to_string(m),
                                          subscribed));
        }
        for (const auto& t : spec.topics) {
            for (int32_t p = 0; p < t.partition_count + 1; ++p) {
                if (!chance(60)) continue;
                auto& owner = spec.members[uniform_int(0, member_count - 1)];
                owner.current_assignment[p < t.partition_count ? t.id : topic_uuid(99)].emplace_back(p);
            }
        }
        return spec;
    }

    std::mt19937 rng;
};

const assignor_topic* find_topic(const assignment_spec& spec, const uuid& id) {
    for (const auto& t : spec.topics) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

bool subscribes(const assignor_member& m, const uuid& id) {
    return std::find(m.subscribed_topic_ids.begin(), m.subscribed_topic_ids.end(), id) !=
           m.subscribed_topic_ids.end();
}

// Every member present; partitions ascending, in range, of subscribed topics; every partition
// of a subscribed topic assigned exactly once.
void expect_valid(const assignment_spec& spec, const group_assignment& result) {
    ASSERT_EQ(result.size(), spec.members.size());
    std::set<std::pair<uuid, int32_t>> seen;
    for (const auto& m : spec.members) {
        ASSERT_TRUE(result.contains(m.member_id));
        for (const auto& [topic_id, partitions] : result.at(m.member_id)) {
            const assignor_topic* t = find_topic(spec, topic_id);
            ASSERT_NE(t, nullptr);
            ASSERT_TRUE(subscribes(m, topic_id));
            ASSERT_FALSE(partitions.empty());
            ASSERT_TRUE(std::is_sorted(partitions.begin(), partitions.end()));
            for (auto p : partitions) {
                ASSERT_TRUE(p.value() >= 0 && p.value() < t->partition_count);
                ASSERT_TRUE(seen.emplace(topic_id, p.value()).second) << "assigned twice";
            }
        }
    }
    for (const auto& t : spec.topics) {
        bool subscribed = std::any_of(spec.members.begin(), spec.members.end(),
                                      [&](const auto& m) { return subscribes(m, t.id); });
        for (int32_t p = 0; p < t.partition_count; ++p) EXPECT_EQ(seen.contains({t.id, p}), subscribed);
    }
}

// Partitions of a member's current assignment it may keep (subscribed, existing, claimed by
// no member before it in member id order).
std::map<std::string, int64_t> retained_counts(const assignment_spec& spec) {
    std::vector<const assignor_member*> members;
    for (const auto& m : spec.members) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->member_id < b->member_id; });
    std::set<std::pair<uuid, int32_t>> claimed;
    std::map<std::string, int64_t> out;
    for (const auto* m : members) {
        for (const auto& [topic_id, partitions] : m->current_assignment) {
            const assignor_topic* t = find_topic(spec, topic_id);
            if (t == nullptr || !subscribes(*m, topic_id)) continue;
            for (auto p : partitions) {
                if (p.value() < t->partition_count && claimed.emplace(topic_id, p.value()).second) ++out[m->member_id];
            }
        }
    }
    return out;
}

int64_t kept_partitions(const assignor_member& m, const topic_partitions& target) {
    int64_t kept = 0;
    for (const auto& [topic_id, partitions] : m.current_assignment) {
        auto it = target.find(topic_id);
        if (it == target.end()) continue;
        for (auto p : partitions) kept += std::binary_search(it->second.begin(), it->second.end(), p);
    }
    return kept;
}

bool contains_all(const topic_partitions& outer, const topic_partitions& inner) {
    for (const auto& [topic_id, partitions] : inner) {
        auto it = outer.find(topic_id);
        if (it == outer.end()) return false;
        if (!std::includes(it->second.begin(), it->second.end(), partitions.begin(), partitions.end())) return false;
    }
    return true;
}

constexpr uint32_t random_runs = 400;

TEST(uniform_assignor, homogeneous_is_balanced_and_moves_the_fewest_partitions) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        assignment_spec spec = random_group(seed).make(true);
        group_assignment result = assign_uniform(spec);
        expect_valid(spec, result);

        int64_t total = 0;
        for (const auto& t : spec.topics) total += t.partition_count;
        const auto members = static_cast<int64_t>(spec.members.size());
        int64_t smallest = total, largest = 0, kept = 0;
        for (const auto& m : spec.members) {
            smallest = std::min(smallest, size_of(result[m.member_id]));
            largest = std::max(largest, size_of(result[m.member_id]));
            kept += kept_partitions(m, result[m.member_id]);
        }
        EXPECT_LE(largest - smallest, 1);

        // The most a balanced assignment can keep: min(retained, minimum quota) each, plus one
        // for each extra slot given to a member that retained more than the minimum.
        const int64_t minimum_quota = total / members;
        int64_t best = 0, above_minimum = 0;
        for (const auto& [id, retained] : retained_counts(spec)) {
            best += std::min(retained, minimum_quota);
            above_minimum += retained > minimum_quota;
        }
        best += std::min(above_minimum, total % members);
        EXPECT_EQ(kept, best);
    }
}

// For every topic, no owner of one of its partitions has two more partitions in total than
// another subscriber: no single move of that topic's partitions improves the balance.
void expect_balanced_per_topic(const assignment_spec& spec, const group_assignment& result) {
    for (const auto& t : spec.topics) {
        int64_t least_loaded_subscriber = INT64_MAX, most_loaded_owner = 0;
        for (const auto& m : spec.members) {
            if (!subscribes(m, t.id)) continue;
            const topic_partitions& assignment = result.at(m.member_id);
            least_loaded_subscriber = std::min(least_loaded_subscriber, size_of(assignment));
            if (assignment.contains(t.id)) most_loaded_owner = std::max(most_loaded_owner, size_of(assignment));
        }
        EXPECT_LE(most_loaded_owner - least_loaded_subscriber, 1) << "topic " << t.name;
    }
}

TEST(uniform_assignor, heterogeneous_is_balanced_per_topic_and_stable) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        assignment_spec spec = random_group(seed).make(false);
        group_assignment result = assign_uniform(spec);
        expect_valid(spec, result);
        expect_balanced_per_topic(spec, result);

        // Sticky: the result is a fixed point; assigning again moves nothing.
        carry_over(spec, result);
        EXPECT_EQ(assign_uniform(spec), result);
    }
}

TEST(uniform_assignor, heterogeneous_keeps_current_partitions_of_members_not_overloaded) {
    // Subscribers of each topic have identical subscriptions: classes {a, b} → t1, t2 and
    // {c, d, e} → t3. Each class is balanced to within one partition; d holds too many t3
    // partitions and gives up only its excess.
    assignment_spec spec{.members = {member("a", {t1, t2}, {{t1, parts({0, 1, 2})}}),
                                     member("b", {t1, t2}, {{t2, parts({0})}}),
                                     member("c", {t3}),
                                     member("d", {t3}, {{t3, parts({0, 1, 2, 3, 4})}}),
                                     member("e", {t3}, {{t3, parts({5})}})},
                         .topics = {topic(t1, 4), topic(t2, 3), topic(t3, 7)}};
    group_assignment result = assign_uniform(spec);
    expect_valid(spec, result);
    EXPECT_LE(std::abs(size_of(result["a"]) - size_of(result["b"])), 1);
    std::vector<int64_t> t3_loads{size_of(result["c"]), size_of(result["d"]), size_of(result["e"])};
    EXPECT_LE(*std::max_element(t3_loads.begin(), t3_loads.end()) - *std::min_element(t3_loads.begin(), t3_loads.end()), 1);
    EXPECT_TRUE(contains_all(result["a"], {{t1, parts({0, 1, 2})}}));
    EXPECT_TRUE(contains_all(result["b"], {{t2, parts({0})}}));
    EXPECT_TRUE(contains_all(result["e"], {{t3, parts({5})}}));
    EXPECT_TRUE(contains_all(spec.members[3].current_assignment, result["d"]));
}

TEST(uniform_assignor, leaving_member_moves_only_its_partitions) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        random_group random(seed);
        assignment_spec spec = random.make(true);
        if (spec.members.size() < 2) continue;
        group_assignment before = assign_uniform(spec);
        carry_over(spec, before);
        spec.members.erase(spec.members.begin() + random.uniform_int(0, static_cast<int32_t>(spec.members.size()) - 1));

        group_assignment after = assign_uniform(spec);
        expect_valid(spec, after);
        for (const auto& m : spec.members) EXPECT_TRUE(contains_all(after[m.member_id], before[m.member_id]));
    }
}

TEST(uniform_assignor, joining_member_takes_partitions_only_from_overloaded_members) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        assignment_spec spec = random_group(seed).make(true);
        group_assignment before = assign_uniform(spec);
        carry_over(spec, before);
        spec.members.push_back(member("joiner", spec.members.front().subscribed_topic_ids));

        group_assignment after = assign_uniform(spec);
        expect_valid(spec, after);
        int64_t total = 0;
        for (const auto& t : spec.topics) total += t.partition_count;
        const int64_t minimum_quota = total / static_cast<int64_t>(spec.members.size());
        int64_t taken = 0;
        for (const auto& m : spec.members) {
            if (m.member_id == "joiner") continue;
            const topic_partitions& old_assignment = before[m.member_id];
            // No old member gains; one that loses partitions had more than the minimum and
            // keeps at least the minimum.
            EXPECT_TRUE(contains_all(old_assignment, after[m.member_id]));
            const int64_t lost = size_of(old_assignment) - size_of(after[m.member_id]);
            if (lost > 0) {
                EXPECT_GT(size_of(old_assignment), minimum_quota);
                EXPECT_GE(size_of(after[m.member_id]), minimum_quota);
            }
            taken += lost;
        }
        EXPECT_EQ(size_of(after["joiner"]), taken);
    }
}

// The same group described in another order: members, topics, subscriptions and current
// partitions shuffled.
assignment_spec shuffled(assignment_spec spec, std::mt19937& rng) {
    std::shuffle(spec.members.begin(), spec.members.end(), rng);
    std::shuffle(spec.topics.begin(), spec.topics.end(), rng);
    for (auto& m : spec.members) {
        std::shuffle(m.subscribed_topic_ids.begin(), m.subscribed_topic_ids.end(), rng);
        for (auto& [topic_id, partitions] : m.current_assignment) std::shuffle(partitions.begin(), partitions.end(), rng);
    }
    return spec;
}

TEST(assignors, deterministic_whatever_the_input_order) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        random_group random(seed);
        assignment_spec spec = random.make(seed % 2 == 0);
        for (auto kind : {assignor_kind::uniform, assignor_kind::range}) {
            group_assignment result = assign(kind, spec);
            EXPECT_EQ(assign(kind, spec), result);
            EXPECT_EQ(assign(kind, shuffled(spec, random.rng)), result);
        }
    }
}

TEST(range_assignor, contiguous_ranges_over_ordered_subscribers) {
    for (uint32_t seed = 0; seed < random_runs; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        assignment_spec spec = random_group(seed).make(seed % 2 == 0);
        group_assignment result = assign_range(spec);
        expect_valid(spec, result);
        std::vector<const assignor_member*> members;
        for (const auto& m : spec.members) members.push_back(&m);
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->member_id < b->member_id; });
        for (const auto& t : spec.topics) {
            // Subscribers in member id order (no instance ids here) take contiguous ranges of
            // count / subscribers partitions, the first count % subscribers of them one more.
            std::vector<const assignor_member*> subscribers;
            for (const auto* m : members) {
                if (subscribes(*m, t.id)) subscribers.push_back(m);
            }
            const auto subscriber_count = static_cast<int32_t>(subscribers.size());
            int32_t next = 0;
            for (int32_t i = 0; i < subscriber_count; ++i) {
                const int32_t size = t.partition_count / subscriber_count + (i < t.partition_count % subscriber_count);
                std::vector<model::partition_id> range;
                for (int32_t p = next; p < next + size; ++p) range.emplace_back(p);
                next += size;
                const topic_partitions& assignment = result[subscribers[i]->member_id];
                auto it = assignment.find(t.id);
                EXPECT_EQ(it == assignment.end() ? std::vector<model::partition_id>{} : it->second, range);
            }
        }
    }
}

TEST(assignor_names, round_trip) {
    EXPECT_EQ(assignor_from_name("uniform"), assignor_kind::uniform);
    EXPECT_EQ(assignor_from_name("range"), assignor_kind::range);
    EXPECT_EQ(assignor_from_name("sticky"), std::nullopt);
    EXPECT_EQ(assignor_name(assignor_kind::range), "range");
}

} // namespace
} // namespace sluice::coordinator
