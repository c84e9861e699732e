// TxnOffsetCommit (key 28), v0-5: a transactional producer's offsets (KIP-98), routed to the
// group's coordinator (group_routing.h) like OffsetCommit. As Kafka 4.0
// (KafkaApis.handleTxnOffsetCommitRequest), partitions of topics that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION here and never reach the coordinator; the response lists the
// topics in request order. The coordinator writes the offsets as one transactional batch of the
// producer; they count once the transaction's COMMIT marker is in __consumer_offsets.
// Not yet (Kafka 4.0 does them): authorization of the transactional id and the group, and
// KIP-890's check with the transaction coordinator that the producer's transaction holds the
// group's partition (AddOffsetsToTxn) before the batch is written.
#include <map>

#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::txn_offset_commit_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<std::string> order;
    std::map<std::string, msg::txn_offset_commit_response::txn_offset_commit_response_topic> unknown;
    std::vector<msg::txn_offset_commit_request::txn_offset_commit_request_topic> known;
    for (auto& topic : req.topics) {
        order.push_back(topic.name);
        if (image->find(topic.name)) {
            known.push_back(std::move(topic));
            continue;
        }
        auto& out = unknown[topic.name];
        out.name = topic.name;
        for (const auto& p : topic.partitions) {
            msg::txn_offset_commit_response::txn_offset_commit_response_partition e;
            e.partition_index = p.partition_index;
            e.error_code = error_code::unknown_topic_or_partition;
            out.partitions.push_back(e);
        }
    }
    req.topics = std::move(known);
    msg::txn_offset_commit_response response;
    if (!req.topics.empty() || unknown.empty()) {
        const int32_t partition = group_partition(r.ctx, req.group_id);
        const int16_t version = r.version;
        response = co_await call_coordinator<msg::txn_offset_commit_response>(
            r.ctx, partition, [&](coordinator::group_coordinator& gc, auto done) {
                gc.txn_offset_commit(version, std::move(req), std::move(done));
            });
    }
    if (!unknown.empty()) {
        std::map<std::string, msg::txn_offset_commit_response::txn_offset_commit_response_topic> answered;
        for (auto& t : response.topics) answered[t.name] = std::move(t);
        response.topics.clear();
        for (const std::string& name : order) {
            auto& source = unknown.contains(name) ? unknown : answered;
            auto it = source.find(name);
            if (it == source.end()) continue;
            response.topics.push_back(std::move(it->second));
            source.erase(it);
        }
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::txn_offset_commit_response response;
    protocol::writer w(out);
    response.write(w, version);
    (void)code; // no top-level error field: an unsupported version gets the empty response
}

} // namespace

const api_handler txn_offset_commit{28, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
