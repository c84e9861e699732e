#include "coordinator/classic_group.h"

#include <algorithm>

#include "base/assert.h"
#include "base/log.h"
#include "protocol/generated/records_consumer_protocol.h"

namespace sluice::coordinator {

const byte_buffer* group_member::metadata(std::string_view protocol) const noexcept {
    for (const auto& p : protocols)
        if (p.name == protocol) return &p.metadata;
    return nullptr;
}

bool group_member::matches(const std::vector<member_protocol>& other) const noexcept { return protocols == other; }

std::string group_member::vote(const std::set<std::string>& candidates) const {
    for (const auto& p : protocols)
        if (candidates.contains(p.name)) return p.name;
    SLUICE_ASSERT(false, "a member votes only when it supports a candidate protocol");
    return {};
}

classic_group::classic_group(std::string group_id, int32_t partition, int64_t now_ms)
    : _group_id(std::move(group_id)), _partition(partition), _state_timestamp_ms(now_ms) {}

void classic_group::transition_to(group_state s, int64_t now_ms) {
    SLUICE_ASSERT(valid_transition(_state, s), "classic group state transition not allowed");
    _previous_state = _state;
    _state = s;
    _state_timestamp_ms = now_ms;
}

bool classic_group::subscribed_to(const std::string& topic) const noexcept {
    // Unknown subscriptions (not computed yet, or undecodable): a consumer group is taken to
    // subscribe to everything, to be safe; other protocols to nothing (Kafka's isSubscribedToTopic).
    if (!_subscribed_topics) return uses_consumer_protocol();
    return _subscribed_topics->contains(topic);
}

group_member* classic_group::find(std::string_view member_id) noexcept {
    for (auto& m : _members)
        if (m->member_id == member_id) return m.get();
    return nullptr;
}

const group_member* classic_group::find(std::string_view member_id) const noexcept {
    return const_cast<classic_group*>(this)->find(member_id);
}

const std::string* classic_group::static_member_id(const std::string& instance_id) const noexcept {
    auto it = _static_members.find(instance_id);
    return it == _static_members.end() ? nullptr : &it->second;
}

void classic_group::count_protocols(const group_member& m, int delta) {
    for (const auto& p : m.protocols) {
        int& n = _protocol_support[p.name];
        n += delta;
        if (n == 0) _protocol_support.erase(p.name);
    }
}

group_member& classic_group::add(std::unique_ptr<group_member> member, std::optional<parked_join> join) {
    if (member->group_instance_id) {
        SLUICE_ASSERT(!_static_members.contains(*member->group_instance_id), "static member added twice");
        _static_members[*member->group_instance_id] = member->member_id;
    }
    if (_members.empty()) _protocol_type = member->protocol_type;
    if (!_leader) _leader = member->member_id;
    count_protocols(*member, +1);
    member->awaiting_join = std::move(join);
    if (member->awaiting_join) ++_awaiting_join;
    _pending_join.erase(member->member_id);
    _members.push_back(std::move(member));
    return *_members.back();
}

void classic_group::remove(std::string_view member_id) {
    auto it = std::find_if(_members.begin(), _members.end(), [&](const auto& m) { return m->member_id == member_id; });
    std::string id(member_id);
    if (it != _members.end()) {
        group_member& m = **it;
        SLUICE_ASSERT(!m.awaiting_sync && !m.awaiting_join, "a removed member's parked requests must be answered first");
        count_protocols(m, -1);
        if (m.group_instance_id) _static_members.erase(*m.group_instance_id);
        _members.erase(it);
    }
    if (is_leader(id)) _leader = _members.empty() ? std::nullopt : std::optional(_members.front()->member_id);
    _pending_join.erase(id);
    _pending_sync.erase(id);
}

std::optional<parked_join> classic_group::update(group_member& member, std::vector<member_protocol> protocols,
                                                 int32_t rebalance_timeout_ms, int32_t session_timeout_ms,
                                                 std::optional<parked_join> join) {
    count_protocols(member, -1);
    member.protocols = std::move(protocols);
    count_protocols(member, +1);
    member.rebalance_timeout_ms = rebalance_timeout_ms;
    member.session_timeout_ms = session_timeout_ms;
    std::optional<parked_join> previous = std::move(member.awaiting_join);
    member.awaiting_join.reset();
    if (previous && !join) --_awaiting_join;
    if (!previous && join) ++_awaiting_join;
    member.awaiting_join = std::move(join);
    return previous;
}

classic_group::replaced classic_group::replace_static_member(const std::string& instance_id,
                                                             const std::string& old_member_id,
                                                             const std::string& new_member_id) {
    group_member* m = find(old_member_id);
    SLUICE_ASSERT(m != nullptr, "replacing a static member that is not in the group");
    replaced r{m, take_join(*m), take_sync(*m)};
    m->member_id = new_member_id;
    if (is_leader(old_member_id)) _leader = new_member_id;
    _static_members[instance_id] = new_member_id;
    if (_pending_sync.erase(old_member_id) > 0) _pending_sync.insert(new_member_id);
    return r;
}

std::optional<parked_join> classic_group::take_join(group_member& member) {
    std::optional<parked_join> j = std::move(member.awaiting_join);
    member.awaiting_join.reset();
    if (j) --_awaiting_join;
    return j;
}

std::optional<parked_sync> classic_group::take_sync(group_member& member) {
    std::optional<parked_sync> s = std::move(member.awaiting_sync);
    member.awaiting_sync.reset();
    return s;
}

int32_t classic_group::rebalance_timeout_ms() const noexcept {
    int32_t t = 0;
    for (const auto& m : _members) t = std::max(t, m->rebalance_timeout_ms);
    return t;
}

bool classic_group::supports_protocols(const std::string& protocol_type,
                                       const std::vector<member_protocol>& protocols) const {
    if (in_state(group_state::empty)) return !protocol_type.empty() && !protocols.empty();
    if (_protocol_type != protocol_type) return false;
    return std::any_of(protocols.begin(), protocols.end(), [&](const member_protocol& p) {
        auto it = _protocol_support.find(p.name);
        return it != _protocol_support.end() && static_cast<size_t>(it->second) == _members.size();
    });
}

std::string classic_group::select_protocol() const {
    SLUICE_ASSERT(!_members.empty(), "cannot select a protocol for an empty group");
    std::set<std::string> candidates;
    for (const auto& [name, count] : _protocol_support)
        if (static_cast<size_t>(count) == _members.size()) candidates.insert(name);
    std::map<std::string, int> votes;
    for (const auto& m : _members) ++votes[m->vote(candidates)];
    // Ties: the protocol the first member (in join order) prefers among the most voted, so the
    // choice is deterministic (Kafka takes whichever its hash map yields first).
    int best = 0;
    for (const auto& [name, n] : votes) best = std::max(best, n);
    std::set<std::string> tied;
    for (const auto& [name, n] : votes)
        if (n == best) tied.insert(name);
    return _members.front()->vote(tied);
}

bool classic_group::elect_joined_leader() {
    if (!_leader) return false;
    const group_member* current = find(*_leader);
    if (current && current->awaiting_join) return true;
    for (const auto& m : _members) {
        if (m->awaiting_join) {
            log::info("group {}: leader {} did not rejoin; new leader {}", _group_id, *_leader, m->member_id);
            _leader = m->member_id;
            return true;
        }
    }
    return false;
}

void classic_group::init_next_generation(int64_t now_ms) {
    ++_generation;
    if (!_members.empty()) {
        _protocol_name = select_protocol();
        recompute_subscribed_topics();
        transition_to(group_state::completing_rebalance, now_ms);
    } else {
        _protocol_name.reset();
        recompute_subscribed_topics();
        transition_to(group_state::empty, now_ms);
    }
    _pending_sync.clear();
}

void classic_group::restore(int32_t generation, std::optional<std::string> protocol_type,
                            std::optional<std::string> protocol_name, std::optional<std::string> leader,
                            std::optional<int64_t> state_timestamp_ms, group_state state) {
    _generation = generation;
    _protocol_type = std::move(protocol_type);
    _protocol_name = std::move(protocol_name);
    _leader = std::move(leader);
    _state_timestamp_ms = state_timestamp_ms;
    _previous_state = _state;
    _state = state;
}

void classic_group::recompute_subscribed_topics() {
    _subscribed_topics.reset();
    if (!uses_consumer_protocol()) return;
    if (_members.empty()) {
        _subscribed_topics.emplace();
        return;
    }
    if (!_protocol_name) return;
    std::set<std::string> topics;
    for (const auto& m : _members) {
        const byte_buffer* md = m->metadata(*_protocol_name);
        // Every version of the consumer protocol starts with the v0 fields after its int16
        // version, so v0 reads the topics of any version (Kafka does the same).
        protocol::msg::consumer_protocol_subscription sub;
        if (!md || md->size() < 2 || !sub.decode(byte_view(*md).subspan(2), 0)) {
            log::warn("group {}: undecodable consumer protocol subscription of {}; subscribed topics unknown",
                      _group_id, m->member_id);
            return;
        }
        topics.insert(sub.topics.begin(), sub.topics.end());
    }
    _subscribed_topics = std::move(topics);
}

} // namespace sluice::coordinator
