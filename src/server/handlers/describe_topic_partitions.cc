// DescribeTopicPartitions (key 75), v0 (KIP-966): topics and their partitions from the metadata
// image, sorted by name and paginated: at most response_partition_limit partitions (capped by
// Kafka's max.request.partition.size.limit, 2000) per response, continued from `cursor`
// (topic name + first partition), with next_cursor where the next page starts.
//
// Kafka 4.0's rules (DescribeTopicPartitionsRequestHandler, KRaftMetadataCache):
//  - an empty topic list means every topic (unknown names cannot occur); otherwise each named
//    topic once, unknown ones as UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION when
//    illegal); names before the cursor's topic are skipped.
//  - a cursor whose topic is not among the named topics, or whose partition is negative, fails
//    the whole request with INVALID_REQUEST.
//  - eligible_leader_replicas and last_known_elr are empty lists (no ELR without replication);
//    topic_authorized_operations is always filled (no authorizer: every topic operation).
#include <algorithm>
#include <set>

#include "protocol/generated/api_075_describe_topic_partitions.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using response_topic = msg::describe_topic_partitions_response::describe_topic_partitions_response_topic;

// max.request.partition.size.limit (Kafka's default).
constexpr int32_t max_partitions_per_response = 2000;

response_topic topic_header(error_code code, const std::string& name, uuid id) {
    response_topic out;
    out.error_code = code;
    out.name = name;
    out.topic_id = id;
    out.is_internal = is_internal_topic(name);
    out.topic_authorized_operations = topic_operations_allowed;
    return out;
}

// Partitions [first, first + count) of `t`, as many as exist.
void add_partitions(const cluster::topic_image& t, int32_t first, int32_t count, response_topic& out) {
    const auto end = std::min<int64_t>(static_cast<int64_t>(t.partitions.size()), int64_t{first} + count);
    for (int64_t i = first; i < end; ++i) {
        const cluster::partition_image& p = t.partitions[static_cast<size_t>(i)];
        auto& part = out.partitions.emplace_back();
        part.partition_index = model::partition_id{static_cast<int32_t>(i)};
        part.leader_id = model::node_id{p.leader};
        part.leader_epoch = model::leader_epoch{p.leader_epoch};
        for (int32_t n : p.replicas) part.replica_nodes.emplace_back(n);
        for (int32_t n : p.isr) part.isr_nodes.emplace_back(n);
        part.eligible_leader_replicas.emplace();
        part.last_known_elr.emplace();
    }
}

msg::describe_topic_partitions_response whole_request_error(const msg::describe_topic_partitions_request& req) {
    msg::describe_topic_partitions_response response;
    for (const auto& t : req.topics) {
        auto& out = response.topics.emplace_back();
        out.error_code = error_code::invalid_request;
        out.name = t.name;
    }
    return response;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_topic_partitions_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const cluster::image_ptr image = r.ctx.metadata->current();
    const bool all_topics = req.topics.empty();
    const std::string cursor_topic = req.cursor ? req.cursor->topic_name : std::string();

    std::set<std::string> names; // sorted, each once
    if (all_topics) {
        for (const auto& [name, topic] : image->topics())
            if (name >= cursor_topic) names.insert(name);
    } else {
        for (const auto& t : req.topics)
            if (t.name >= cursor_topic) names.insert(t.name);
        if (req.cursor && !names.contains(cursor_topic)) co_return respond(r, whole_request_error(req));
    }
    if (req.cursor && req.cursor->partition_index.value() < 0) co_return respond(r, whole_request_error(req));

    msg::describe_topic_partitions_response response;
    int32_t remaining = std::max(std::min(max_partitions_per_response, req.response_partition_limit), 1);
    for (const std::string& name : names) {
        if (remaining == 0) {
            // The page is full: the next one starts at this topic.
            response.next_cursor.emplace().topic_name = name;
            break;
        }
        const cluster::topic_image* t = image->find(name);
        if (t == nullptr) {
            if (all_topics) continue;
            const bool legal = !cluster::controller::validate_topic_name(name).has_value();
            response.topics.push_back(
                topic_header(legal ? error_code::unknown_topic_or_partition : error_code::invalid_topic_exception, name, {}));
            continue;
        }
        const int32_t first = name == cursor_topic && req.cursor ? req.cursor->partition_index.value() : 0;
        response_topic& out = response.topics.emplace_back(topic_header(error_code::none, name, t->id));
        add_partitions(*t, first, remaining, out);
        const int64_t next = int64_t{first} + remaining;
        if (next < static_cast<int64_t>(t->partitions.size())) {
            auto& cursor = response.next_cursor.emplace();
            cursor.topic_name = name;
            cursor.partition_index = model::partition_id{static_cast<int32_t>(next)};
            break;
        }
        remaining -= static_cast<int32_t>(out.partitions.size());
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::describe_topic_partitions_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler describe_topic_partitions{75, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
