// The fake broker's groups: one member each, which is also the leader; no rebalancing.
#include "golden/fake_broker.h"
#include "golden/fake_broker_util.h"
#include "protocol/generated/all_messages.h"

namespace sluice::golden {

namespace msg = protocol::msg;
using protocol::error_code;

handler_reply fake_broker::join_group(const inbound_request& request) {
    auto decoded = decode_request<msg::join_group_request>(request);
    if (!decoded) return handler_reply::close();
    msg::join_group_response response;
    if (decoded->protocols.empty()) {
        response.error_code = error_code::inconsistent_group_protocol;
        return reply_with(response, request);
    }
    group& g = _groups[decoded->group_id];
    // A new member gets its id at once; the join completes without the KIP-394 round trip
    // (MEMBER_ID_REQUIRED), which a single-member group does not need.
    g.member_id = decoded->member_id.empty()
        ? request.header.client_id.value_or("member") + "-" + std::to_string(++_members_created)
        : decoded->member_id;
    g.generation += 1;
    g.protocol_name = decoded->protocols.front().name;
    response.generation_id = g.generation;
    response.protocol_type = decoded->protocol_type;
    response.protocol_name = g.protocol_name;
    response.leader = g.member_id;
    response.member_id = g.member_id;
    auto& member = response.members.emplace_back();
    member.member_id = g.member_id;
    member.group_instance_id = decoded->group_instance_id;
    member.metadata = decoded->protocols.front().metadata;
    return reply_with(response, request);
}

handler_reply fake_broker::sync_group(const inbound_request& request) {
    auto decoded = decode_request<msg::sync_group_request>(request);
    if (!decoded) return handler_reply::close();
    msg::sync_group_response response;
    auto it = _groups.find(decoded->group_id);
    if (it == _groups.end() || it->second.member_id != decoded->member_id) {
        response.error_code = error_code::unknown_member_id;
        return reply_with(response, request);
    }
    group& g = it->second;
    if (decoded->generation_id != g.generation) {
        response.error_code = error_code::illegal_generation;
        return reply_with(response, request);
    }
    // The only member is the leader: it sends its own assignment and gets it back.
    for (const auto& assignment : decoded->assignments)
        if (assignment.member_id == g.member_id) g.assignment = assignment.assignment;
    response.protocol_type = "consumer";
    response.protocol_name = g.protocol_name;
    response.assignment = g.assignment;
    return reply_with(response, request);
}

handler_reply fake_broker::heartbeat(const inbound_request& request) {
    auto decoded = decode_request<msg::heartbeat_request>(request);
    if (!decoded) return handler_reply::close();
    msg::heartbeat_response response;
    auto it = _groups.find(decoded->group_id);
    if (it == _groups.end() || it->second.member_id != decoded->member_id)
        response.error_code = error_code::unknown_member_id;
    return reply_with(response, request);
}

handler_reply fake_broker::leave_group(const inbound_request& request) {
    auto decoded = decode_request<msg::leave_group_request>(request);
    if (!decoded) return handler_reply::close();
    msg::leave_group_response response;
    auto it = _groups.find(decoded->group_id);
    if (it != _groups.end()) it->second.member_id.clear();
    for (const auto& member : decoded->members) { // v3+: members leave in a batch (KIP-345)
        auto& out = response.members.emplace_back();
        out.member_id = member.member_id;
        out.group_instance_id = member.group_instance_id;
    }
    return reply_with(response, request);
}

handler_reply fake_broker::offset_commit(const inbound_request& request) {
    auto decoded = decode_request<msg::offset_commit_request>(request);
    if (!decoded) return handler_reply::close();
    group& g = _groups[decoded->group_id];
    msg::offset_commit_response response;
    for (const auto& topic_in : decoded->topics) {
        auto& topic_out = response.topics.emplace_back();
        topic_out.name = topic_in.name;
        for (const auto& partition : topic_in.partitions) {
            g.committed[{topic_in.name, partition.partition_index.value()}] = partition.committed_offset.value();
            topic_out.partitions.emplace_back().partition_index = partition.partition_index;
        }
    }
    return reply_with(response, request);
}

handler_reply fake_broker::offset_fetch(const inbound_request& request) {
    auto decoded = decode_request<msg::offset_fetch_request>(request);
    if (!decoded) return handler_reply::close();
    msg::offset_fetch_response response;
    // -1: no committed offset, the consumer applies auto.offset.reset.
    auto committed = [&](const std::string& group_id, const std::string& topic, int32_t partition) -> int64_t {
        const group& g = _groups[group_id];
        auto it = g.committed.find({topic, partition});
        return it == g.committed.end() ? -1 : it->second;
    };
    if (request.api_version <= 7) {
        for (const auto& topic_in : decoded->topics.value_or(std::vector<msg::offset_fetch_request::offset_fetch_request_topic>{})) {
            auto& topic_out = response.topics.emplace_back();
            topic_out.name = topic_in.name;
            for (model::partition_id p : topic_in.partition_indexes) {
                auto& out = topic_out.partitions.emplace_back();
                out.partition_index = p;
                out.committed_offset = model::offset(committed(decoded->group_id, topic_in.name, p.value()));
                out.metadata = "";
            }
        }
        return reply_with(response, request);
    }
    for (const auto& group_in : decoded->groups) { // v8+: several groups (KIP-709)
        auto& group_out = response.groups.emplace_back();
        group_out.group_id = group_in.group_id;
        for (const auto& topic_in : group_in.topics.value_or(std::vector<msg::offset_fetch_request::offset_fetch_request_topics>{})) {
            auto& topic_out = group_out.topics.emplace_back();
            topic_out.name = topic_in.name;
            for (model::partition_id p : topic_in.partition_indexes) {
                auto& out = topic_out.partitions.emplace_back();
                out.partition_index = p;
                out.committed_offset = model::offset(committed(group_in.group_id, topic_in.name, p.value()));
                out.metadata = "";
            }
        }
    }
    return reply_with(response, request);
}

} // namespace sluice::golden
