#pragma once
// classic_group: one classic consumer group's membership: members in join order, the static
// member index (group.instance.id → member id), members pending their first join (KIP-394) or
// their SyncGroup, the parked JoinGroup/SyncGroup answers, generation, leader, protocol type
// and selected protocol (Kafka 4.0's ClassicGroup). It holds no timers and writes no records;
// the coordinator drives it. Owned by group_coordinator; used only on its shard.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "coordinator/group_state.h"
#include "protocol/error_code.h"
#include "protocol/generated/api_011_join_group.h"
#include "protocol/generated/api_014_sync_group.h"

namespace sluice::coordinator {

struct member_protocol {
    std::string name;
    byte_buffer metadata;
    bool operator==(const member_protocol&) const = default;
};

// A JoinGroup or SyncGroup parked until its barrier completes, with the request version the
// answer is filled for.
template <typename Response>
struct parked_request {
    int16_t version = 0;
    std::function<void(Response)> done;
};
using parked_join = parked_request<protocol::msg::join_group_response>;
using parked_sync = parked_request<protocol::msg::sync_group_response>;

struct group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::string protocol_type;
    std::vector<member_protocol> protocols; // in the member's order of preference
    byte_buffer assignment;
    // A member added by this rebalance that has not yet received its JoinGroup answer; its
    // session timer does not count as satisfied while parked (Kafka's isNew).
    bool is_new = false;
    std::optional<parked_join> awaiting_join;
    std::optional<parked_sync> awaiting_sync;

    bool is_static() const noexcept { return group_instance_id.has_value(); }
    // The metadata this member sent for `protocol` (nullptr if it does not support it).
    const byte_buffer* metadata(std::string_view protocol) const noexcept;
    // Same protocols with the same metadata in the same order.
    bool matches(const std::vector<member_protocol>& protocols) const noexcept;
    // The member's most preferred protocol among `candidates`.
    std::string vote(const std::set<std::string>& candidates) const;
    // Awaiting a rebalance: its expected heartbeats are satisfied (Kafka's hasSatisfiedHeartbeat).
    bool satisfied_heartbeat() const noexcept { return !is_new && (awaiting_join || awaiting_sync); }
};

class classic_group {
public:
    classic_group(std::string group_id, int32_t partition, int64_t now_ms);

    const std::string& group_id() const noexcept { return _group_id; }
    int32_t partition() const noexcept { return _partition; }
    group_state state() const noexcept { return _state; }
    group_state previous_state() const noexcept { return _previous_state; }
    bool in_state(group_state s) const noexcept { return _state == s; }
    // Asserts Kafka's allowed transitions; records the time (current_state_timestamp, KIP-211).
    void transition_to(group_state s, int64_t now_ms);
    int32_t generation() const noexcept { return _generation; }
    const std::optional<std::string>& protocol_type() const noexcept { return _protocol_type; }
    const std::optional<std::string>& protocol_name() const noexcept { return _protocol_name; }
    const std::optional<std::string>& leader() const noexcept { return _leader; }
    bool is_leader(std::string_view member_id) const noexcept { return _leader && *_leader == member_id; }
    std::optional<int64_t> current_state_timestamp() const noexcept { return _state_timestamp_ms; }
    // Topics the members subscribe to (consumer protocol only; nullopt = unknown), computed
    // at each new generation and on load.
    const std::optional<std::set<std::string>>& subscribed_topics() const noexcept { return _subscribed_topics; }
    bool subscribed_to(const std::string& topic) const noexcept;
    bool uses_consumer_protocol() const noexcept { return _protocol_type == "consumer"; }

    // ---- members ----------------------------------------------------------------------------
    size_t size() const noexcept { return _members.size(); }
    bool empty_of_members() const noexcept { return _members.empty(); }
    group_member* find(std::string_view member_id) noexcept;
    const group_member* find(std::string_view member_id) const noexcept;
    const std::vector<std::unique_ptr<group_member>>& members() const noexcept { return _members; }
    const std::string* static_member_id(const std::string& instance_id) const noexcept;
    // Adds a member (the first one sets the protocol type, the first one becomes leader when
    // there is none); `join` parks its JoinGroup.
    group_member& add(std::unique_ptr<group_member> member, std::optional<parked_join> join);
    // Removes a member (parked requests must have been answered); a removed leader is replaced
    // by the first remaining member.
    void remove(std::string_view member_id);
    // New protocols and timeouts of a rejoining member; `join` parks its JoinGroup (a JoinGroup
    // it had parked already is returned so that the caller answers it).
    std::optional<parked_join> update(group_member& member, std::vector<member_protocol> protocols,
                                      int32_t rebalance_timeout_ms, int32_t session_timeout_ms,
                                      std::optional<parked_join> join);
    // KIP-345: the static member `instance_id` gets `new_member_id`; the old member's parked
    // requests are returned (the caller fences them with FENCED_INSTANCE_ID).
    struct replaced {
        group_member* member;
        std::optional<parked_join> old_join;
        std::optional<parked_sync> old_sync;
    };
    replaced replace_static_member(const std::string& instance_id, const std::string& old_member_id,
                                   const std::string& new_member_id);
    // Takes a member's parked requests (to answer them).
    std::optional<parked_join> take_join(group_member& member);
    std::optional<parked_sync> take_sync(group_member& member);

    // KIP-394 members that were told MEMBER_ID_REQUIRED and have not rejoined yet.
    bool is_pending(std::string_view member_id) const noexcept { return _pending_join.contains(std::string(member_id)); }
    void add_pending(const std::string& member_id) { _pending_join.insert(member_id); }
    void remove_pending(const std::string& member_id) { _pending_join.erase(member_id); }
    size_t pending_count() const noexcept { return _pending_join.size(); }
    // Members that got their JoinGroup answer and have not sent SyncGroup yet.
    void add_pending_sync(const std::string& member_id) { _pending_sync.insert(member_id); }
    bool remove_pending_sync(const std::string& member_id) { return _pending_sync.erase(member_id) > 0; }
    const std::set<std::string>& pending_sync() const noexcept { return _pending_sync; }

    // ---- rebalance --------------------------------------------------------------------------
    size_t awaiting_join_count() const noexcept { return _awaiting_join; }
    bool all_members_joined() const noexcept { return _members.size() == _awaiting_join && _pending_join.empty(); }
    // The longest rebalance timeout of the members (the join barrier's deadline).
    int32_t rebalance_timeout_ms() const noexcept;
    // Kafka's supportsProtocols: a non-empty type and list for an Empty group, else the same
    // type and at least one protocol every member supports.
    bool supports_protocols(const std::string& protocol_type, const std::vector<member_protocol>& protocols) const;
    // The protocol with the most votes among those all members support (ties: see README).
    std::string select_protocol() const;
    // If the leader has not rejoined, the first member that has becomes leader; false when
    // nobody has rejoined.
    bool elect_joined_leader();
    // Next generation: CompletingRebalance with the selected protocol, or Empty.
    void init_next_generation(int64_t now_ms);
    // Rebalance completion waits are extended while new members join an initially empty group.
    bool new_member_added = false;

    // Loading from a group metadata record.
    void restore(int32_t generation, std::optional<std::string> protocol_type, std::optional<std::string> protocol_name,
                 std::optional<std::string> leader, std::optional<int64_t> state_timestamp_ms, group_state state);
    void set_protocol_type(std::optional<std::string> t) { _protocol_type = std::move(t); }
    void recompute_subscribed_topics();

private:
    std::string _group_id;
    int32_t _partition;
    group_state _state = group_state::empty;
    group_state _previous_state = group_state::empty;
    std::optional<int64_t> _state_timestamp_ms;
    int32_t _generation = 0;
    std::optional<std::string> _protocol_type;
    std::optional<std::string> _protocol_name;
    std::optional<std::string> _leader;
    std::vector<std::unique_ptr<group_member>> _members; // join order
    std::map<std::string, std::string> _static_members;   // instance id → member id
    std::map<std::string, int> _protocol_support;         // protocol → members supporting it
    std::set<std::string> _pending_join;
    std::set<std::string> _pending_sync;
    size_t _awaiting_join = 0;
    std::optional<std::set<std::string>> _subscribed_topics;

    void count_protocols(const group_member& m, int delta);
};

} // namespace sluice::coordinator
