// The uniform assignor (Kafka 4.0's UniformAssignor): one builder for groups whose members
// all subscribe to the same topics, another for the rest. Balance comes first, then stickiness.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "base/assert.h"
#include "coordinator/assignor_group.h"
#include "coordinator/assignors.h"

namespace sluice::coordinator {
namespace {

using detail::assignor_group;
using detail::no_member;
using detail::partition_owners;

// Homogeneous: every member gets total / members partitions and total % members of them one
// more. The members given one more are those already holding more than the minimum (in member
// order), so each keeps min(current, quota) partitions and no member gives up a partition it
// could have kept. Kafka hands the extra ones out in hash-map order instead, which can move a
// partition from a member to a member that then holds as many.
partition_owners assign_homogeneous(const assignor_group& group) {
    partition_owners owners = detail::retained_owners(group);
    const auto& topics = group.subscriptions.front();
    const auto member_count = static_cast<int64_t>(group.members.size());

    int64_t total = 0;
    std::vector<int64_t> retained(group.members.size(), 0);
    for (int32_t t : topics) {
        total += group.partition_count(t);
        for (int32_t owner : owners[t]) {
            if (owner != no_member) ++retained[owner];
        }
    }

    const int64_t minimum_quota = total / member_count;
    std::vector<int32_t> by_extra_priority(group.members.size());
    std::iota(by_extra_priority.begin(), by_extra_priority.end(), 0);
    std::stable_partition(by_extra_priority.begin(), by_extra_priority.end(),
                          [&](int32_t m) { return retained[m] > minimum_quota; });
    std::vector<int64_t> quota(group.members.size(), minimum_quota);
    for (int64_t i = 0; i < total % member_count; ++i) ++quota[by_extra_priority[i]];

    // Keep each member's first `quota` partitions (topic id, then partition order); the rest
    // and the unowned ones go, in that same order, to the members below their quota.
    std::vector<int64_t> kept(group.members.size(), 0);
    std::vector<std::pair<int32_t, int32_t>> unassigned;
    for (int32_t t : topics) {
        for (int32_t p = 0; p < group.partition_count(t); ++p) {
            int32_t& owner = owners[t][p];
            if (owner != no_member && kept[owner] < quota[owner]) {
                ++kept[owner];
                continue;
            }
            owner = no_member;
            unassigned.emplace_back(t, p);
        }
    }
    size_t next = 0;
    for (size_t m = 0; m < group.members.size(); ++m) {
        for (; kept[m] < quota[m]; ++kept[m], ++next) {
            SLUICE_ASSERT(next < unassigned.size(), "uniform: quotas exceed the partitions");
            owners[unassigned[next].first][unassigned[next].second] = static_cast<int32_t>(m);
        }
    }
    SLUICE_ASSERT(next == unassigned.size(), "uniform: partitions left unassigned");
    return owners;
}

// Heterogeneous: Kafka's UniformHeterogeneousAssignmentBuilder. Each member keeps its current
// subscribed partitions; the unowned partitions of each topic go to its least loaded
// subscribers; then each topic's partitions move from its most loaded owners to its least
// loaded subscribers while that narrows the gap, topic after topic, until a whole pass over
// the topics moves nothing (or after max_balance_passes passes: with overlapping, unequal
// subscriptions one topic's moves can unbalance another's subscribers).
class heterogeneous_builder {
public:
    explicit heterogeneous_builder(const assignor_group& group)
        : _group(group), _owners(detail::retained_owners(group)), _loads(group.members.size(), 0) {
        for (const auto& topic_owners : _owners) {
            for (int32_t owner : topic_owners) {
                if (owner != no_member) ++_loads[owner];
            }
        }
        for (size_t t = 0; t < group.topics.size(); ++t) {
            if (!group.subscribers[t].empty()) _topic_order.push_back(static_cast<int32_t>(t));
        }
        std::sort(_topic_order.begin(), _topic_order.end(),
                  [&](int32_t a, int32_t b) { return topic_before(a, b); });
    }

    partition_owners build() && {
        assign_unowned();
        balance();
        return std::move(_owners);
    }

private:
    static constexpr int max_balance_passes = 16;
    using load_and_member = std::pair<int64_t, int32_t>;

    // Topics with more partitions per subscriber first (they are the hardest to balance), then
    // fewer subscribers, then topic id.
    bool topic_before(int32_t a, int32_t b) const {
        const int64_t a_partitions = _group.partition_count(a);
        const int64_t b_partitions = _group.partition_count(b);
        const auto a_subscribers = static_cast<int64_t>(_group.subscribers[a].size());
        const auto b_subscribers = static_cast<int64_t>(_group.subscribers[b].size());
        if (a_partitions * b_subscribers != b_partitions * a_subscribers) {
            return a_partitions * b_subscribers > b_partitions * a_subscribers;
        }
        if (a_subscribers != b_subscribers) return a_subscribers < b_subscribers;
        return a < b;
    }

    void move(int32_t topic, int32_t partition, int32_t member) {
        int32_t& owner = _owners[topic][partition];
        if (owner != no_member) --_loads[owner];
        owner = member;
        ++_loads[member];
    }

    // Subscribers of a topic by (total load, member index): begin() is the least loaded.
    std::set<load_and_member> subscribers_by_load(int32_t topic) const {
        std::set<load_and_member> out;
        for (int32_t m : _group.subscribers[topic]) out.emplace(_loads[m], m);
        return out;
    }

    void assign_unowned() {
        for (int32_t t : _topic_order) {
            auto least_loaded = subscribers_by_load(t);
            for (int32_t p = 0; p < _group.partition_count(t); ++p) {
                if (_owners[t][p] != no_member) continue;
                auto [load, member] = *least_loaded.begin();
                least_loaded.erase(least_loaded.begin());
                move(t, p, member);
                least_loaded.emplace(load + 1, member);
            }
        }
    }

    void balance() {
        std::vector<int32_t> topics;
        for (int32_t t : _topic_order) {
            if (_group.subscribers[t].size() >= 2) topics.push_back(t);
        }
        // Stop once every topic in a row has been found balanced.
        size_t balanced_in_a_row = 0;
        for (int pass = 0; pass < max_balance_passes; ++pass) {
            for (int32_t t : topics) {
                balanced_in_a_row = balance_topic(t) > 0 ? 1 : balanced_in_a_row + 1;
                if (balanced_in_a_row >= topics.size()) return;
            }
        }
    }

    // Moves a topic's partitions, each time the highest partition of its most loaded owner to
    // its least loaded subscriber, while they differ by two or more. Returns the moves made.
    int balance_topic(int32_t topic) {
        std::set<load_and_member> receivers = subscribers_by_load(topic);
        std::map<int32_t, std::set<int32_t>> owned;
        for (int32_t p = 0; p < _group.partition_count(topic); ++p) owned[_owners[topic][p]].insert(p);
        std::set<load_and_member> donors;
        for (const auto& [member, partitions] : owned) donors.emplace(_loads[member], member);

        int moves = 0;
        while (!donors.empty()) {
            const auto [donor_load, donor] = *donors.rbegin();
            const auto [receiver_load, receiver] = *receivers.begin();
            if (donor_load - receiver_load <= 1) break;

            const int32_t partition = *owned[donor].rbegin();
            owned[donor].erase(partition);
            donors.erase({donor_load, donor});
            donors.erase({receiver_load, receiver});
            receivers.erase({donor_load, donor});
            receivers.erase({receiver_load, receiver});

            move(topic, partition, receiver);
            owned[receiver].insert(partition);
            receivers.emplace(_loads[donor], donor);
            receivers.emplace(_loads[receiver], receiver);
            if (!owned[donor].empty()) donors.emplace(_loads[donor], donor);
            donors.emplace(_loads[receiver], receiver);
            ++moves;
        }
        return moves;
    }

    const assignor_group& _group;
    partition_owners _owners;
    std::vector<int64_t> _loads;      // member → partitions owned, all topics
    std::vector<int32_t> _topic_order; // subscribed topics, topic_before order
};

} // namespace

group_assignment assign_uniform(const assignment_spec& spec) {
    assignor_group group(spec);
    if (group.members.empty()) return {};
    partition_owners owners = group.homogeneous() ? assign_homogeneous(group)
                                                  : heterogeneous_builder(group).build();
    return detail::to_assignment(group, owners);
}

} // namespace sluice::coordinator
