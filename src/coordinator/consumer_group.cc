#include "coordinator/consumer_group.h"

#include <algorithm>
#include <array>

#include "base/assert.h"

namespace sluice::coordinator {

namespace msg = protocol::msg;

namespace {

constexpr std::array<std::string_view, 5> names = {"Empty", "Assigning", "Reconciling", "Stable", "Dead"};

template <typename Entry>
topic_partitions to_map(const std::vector<Entry>& entries) {
    topic_partitions out;
    for (const auto& e : entries) {
        auto& parts = out[e.topic_id];
        parts.insert(parts.end(), e.partitions.begin(), e.partitions.end());
        std::sort(parts.begin(), parts.end());
        parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
        if (parts.empty()) out.erase(e.topic_id);
    }
    return out;
}

member_state state_from(int8_t value) {
    switch (value) {
    case 0: return member_state::stable;
    case 1: return member_state::unrevoked_partitions;
    case 2: return member_state::unreleased_partitions;
    default: return member_state::unknown;
    }
}

} // namespace

std::string_view state_name(consumer_group_state s) noexcept { return names[static_cast<size_t>(s)]; }

bool consumer_member::same_metadata(const consumer_member& o) const noexcept {
    return instance_id == o.instance_id && rack_id == o.rack_id && client_id == o.client_id &&
           client_host == o.client_host && subscribed_topic_names == o.subscribed_topic_names &&
           subscribed_topic_regex == o.subscribed_topic_regex && rebalance_timeout_ms == o.rebalance_timeout_ms &&
           server_assignor == o.server_assignor;
}

consumer_group_state consumer_group::state() const noexcept {
    if (members.empty()) return consumer_group_state::empty;
    if (group_epoch > assignment_epoch) return consumer_group_state::assigning;
    for (const auto& [id, m] : members)
        if (!m.reconciled_to(assignment_epoch)) return consumer_group_state::reconciling;
    return consumer_group_state::stable;
}

const consumer_member* consumer_group::find(const std::string& member_id) const noexcept {
    auto it = members.find(member_id);
    return it == members.end() ? nullptr : &it->second;
}

const consumer_member* consumer_group::static_member(const std::string& instance_id) const noexcept {
    auto it = static_members.find(instance_id);
    return it == static_members.end() ? nullptr : find(it->second);
}

int32_t consumer_group::current_partition_epoch(const uuid& topic, int32_t partition) const noexcept {
    auto it = partition_epochs.find({topic, partition});
    return it == partition_epochs.end() ? -1 : it->second;
}

const topic_partitions& consumer_group::target_of(const std::string& member_id) const noexcept {
    static const topic_partitions none;
    auto it = target.find(member_id);
    return it == target.end() ? none : it->second;
}

std::optional<std::string> consumer_group::preferred_assignor() const {
    std::map<std::string, int> votes;
    for (const auto& [id, m] : members)
        if (m.server_assignor) ++votes[*m.server_assignor];
    std::optional<std::string> best;
    int best_votes = 0;
    for (const auto& [name, n] : votes) {
        if (n > best_votes) {
            best = name;
            best_votes = n;
        }
    }
    return best;
}

std::vector<std::string> consumer_group::subscribed_topic_names() const {
    std::vector<std::string> out;
    for (const auto& [id, m] : members) out.insert(out.end(), m.subscribed_topic_names.begin(), m.subscribed_topic_names.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool consumer_group::subscribed_to(const std::string& topic) const {
    for (const auto& [id, m] : members)
        if (std::binary_search(m.subscribed_topic_names.begin(), m.subscribed_topic_names.end(), topic)) return true;
    return false;
}

void consumer_group::release_partitions(const consumer_member& m) {
    for (const auto* owned : {&m.assigned, &m.pending_revocation})
        for (const auto& [topic, parts] : *owned)
            for (auto p : parts) partition_epochs.erase({topic, p.value()});
}

void consumer_group::set_current_assignment(consumer_member& m, int32_t epoch, int32_t previous_epoch, member_state state,
                                            topic_partitions assigned, topic_partitions pending) {
    release_partitions(m);
    m.member_epoch = epoch;
    m.previous_member_epoch = previous_epoch;
    m.state = state;
    m.assigned = std::move(assigned);
    m.pending_revocation = std::move(pending);
    for (const auto* owned : {&m.assigned, &m.pending_revocation})
        for (const auto& [topic, parts] : *owned)
            for (auto p : parts) partition_epochs[{topic, p.value()}] = epoch;
}

void consumer_group::remove_member(const std::string& member_id) {
    auto it = members.find(member_id);
    if (it == members.end()) return;
    release_partitions(it->second);
    if (it->second.instance_id) {
        auto s = static_members.find(*it->second.instance_id);
        if (s != static_members.end() && s->second == member_id) static_members.erase(s);
    }
    members.erase(it);
}

void consumer_group::apply(const consumer_record& r) {
    SLUICE_ASSERT(r.group_id == group_id, "a record of another group");
    switch (r.type) {
    case consumer_group_metadata_type:
        // The tombstone deletes the group: the coordinator drops it.
        group_epoch = r.value ? std::get<msg::consumer_group_metadata_value>(*r.value).epoch : 0;
        return;
    case consumer_group_partition_metadata_type:
        subscriptions.clear();
        if (r.value)
            for (const auto& t : std::get<msg::consumer_group_partition_metadata_value>(*r.value).topics)
                subscriptions[t.topic_name] = subscribed_topic{t.topic_id, t.num_partitions};
        return;
    case consumer_group_member_metadata_type: {
        if (!r.value) return remove_member(r.member_id);
        const auto& v = std::get<msg::consumer_group_member_metadata_value>(*r.value);
        consumer_member& m = members[r.member_id];
        m.member_id = r.member_id;
        if (m.instance_id && m.instance_id != v.instance_id) {
            auto s = static_members.find(*m.instance_id);
            if (s != static_members.end() && s->second == r.member_id) static_members.erase(s);
        }
        m.instance_id = v.instance_id;
        if (m.instance_id) static_members[*m.instance_id] = r.member_id;
        m.rack_id = v.rack_id;
        m.client_id = v.client_id;
        m.client_host = v.client_host;
        m.subscribed_topic_names = v.subscribed_topic_names;
        std::sort(m.subscribed_topic_names.begin(), m.subscribed_topic_names.end());
        m.subscribed_topic_names.erase(std::unique(m.subscribed_topic_names.begin(), m.subscribed_topic_names.end()),
                                       m.subscribed_topic_names.end());
        m.subscribed_topic_regex = v.subscribed_topic_regex;
        m.rebalance_timeout_ms = v.rebalance_timeout_ms;
        m.server_assignor = v.server_assignor;
        return;
    }
    case consumer_group_target_assignment_metadata_type:
        assignment_epoch = r.value ? std::get<msg::consumer_group_target_assignment_metadata_value>(*r.value).assignment_epoch : 0;
        return;
    case consumer_group_target_assignment_member_type:
        if (!r.value) {
            target.erase(r.member_id);
        } else {
            target[r.member_id] = to_map(std::get<msg::consumer_group_target_assignment_member_value>(*r.value).topic_partitions);
        }
        return;
    case consumer_group_current_member_assignment_type: {
        auto it = members.find(r.member_id);
        if (!r.value) {
            // Kafka writes this tombstone first when a member goes: it owns nothing from now on.
            if (it != members.end())
                set_current_assignment(it->second, leave_group_member_epoch, it->second.member_epoch,
                                       member_state::stable, {}, {});
            return;
        }
        const auto& v = std::get<msg::consumer_group_current_member_assignment_value>(*r.value);
        if (it == members.end()) {
            it = members.emplace(r.member_id, consumer_member{}).first;
            it->second.member_id = r.member_id;
        }
        set_current_assignment(it->second, v.member_epoch, v.previous_member_epoch, state_from(v.state),
                               to_map(v.assigned_partitions), to_map(v.partitions_pending_revocation));
        return;
    }
    default: SLUICE_ASSERT(false, "not a consumer group record type");
    }
}

namespace {

template <typename Entry>
std::vector<Entry> to_entries(const topic_partitions& tps) {
    std::vector<Entry> out;
    for (const auto& [topic, parts] : tps) {
        if (parts.empty()) continue;
        auto& e = out.emplace_back();
        e.topic_id = topic;
        e.partitions = parts;
    }
    return out;
}

} // namespace

consumer_record group_epoch_record(const std::string& group_id, int32_t epoch) {
    msg::consumer_group_metadata_value v;
    v.epoch = epoch;
    return {consumer_group_metadata_type, group_id, {}, v};
}

consumer_record subscription_metadata_record(const std::string& group_id, const subscription_metadata& topics) {
    msg::consumer_group_partition_metadata_value v;
    for (const auto& [name, t] : topics) {
        auto& e = v.topics.emplace_back();
        e.topic_id = t.id;
        e.topic_name = name;
        e.num_partitions = t.partition_count;
    }
    return {consumer_group_partition_metadata_type, group_id, {}, v};
}

consumer_record member_metadata_record(const std::string& group_id, const consumer_member& m) {
    msg::consumer_group_member_metadata_value v;
    v.instance_id = m.instance_id;
    v.rack_id = m.rack_id;
    v.client_id = m.client_id;
    v.client_host = m.client_host;
    v.subscribed_topic_names = m.subscribed_topic_names;
    v.subscribed_topic_regex = m.subscribed_topic_regex;
    v.rebalance_timeout_ms = m.rebalance_timeout_ms;
    v.server_assignor = m.server_assignor;
    v.classic_member_metadata.reset();
    return {consumer_group_member_metadata_type, group_id, m.member_id, v};
}

consumer_record target_epoch_record(const std::string& group_id, int32_t epoch) {
    msg::consumer_group_target_assignment_metadata_value v;
    v.assignment_epoch = epoch;
    return {consumer_group_target_assignment_metadata_type, group_id, {}, v};
}

consumer_record target_member_record(const std::string& group_id, const std::string& member_id,
                                     const topic_partitions& partitions) {
    msg::consumer_group_target_assignment_member_value v;
    v.topic_partitions = to_entries<msg::consumer_group_target_assignment_member_value::topic_partition>(partitions);
    return {consumer_group_target_assignment_member_type, group_id, member_id, v};
}

consumer_record current_assignment_record(const std::string& group_id, const consumer_member& m) {
    msg::consumer_group_current_member_assignment_value v;
    v.member_epoch = m.member_epoch;
    v.previous_member_epoch = m.previous_member_epoch;
    v.state = static_cast<int8_t>(m.state);
    using entry = msg::consumer_group_current_member_assignment_value::topic_partitions;
    v.assigned_partitions = to_entries<entry>(m.assigned);
    v.partitions_pending_revocation = to_entries<entry>(m.pending_revocation);
    return {consumer_group_current_member_assignment_type, group_id, m.member_id, v};
}

consumer_record consumer_tombstone(int16_t type, const std::string& group_id, const std::string& member_id) {
    return {type, group_id, member_id, std::nullopt};
}

} // namespace sluice::coordinator
