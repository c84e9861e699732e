// DescribeProducers (key 61), v0 (KIP-664): per partition, on its owner shard, the producers
// its log knows (idempotent and transactional): id, epoch, last sequence and timestamp,
// coordinator epoch, and the first offset of the open transaction (-1 when none) — what
// kafka-transactions.sh describe-producers prints to find hanging transactions.
#include <algorithm>

#include "protocol/generated/api_061_describe_producers.h"
#include "server/handlers/handlers.h"
#include "server/handlers/partition_apis.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using partition_response = msg::describe_producers_response::partition_response;

struct item {
    std::string_view topic;
    partition_response* out;
};

void describe_one(shard_partitions& parts, item& it) {
    partition_response& out = *it.out;
    partition* p = parts.find(it.topic, out.partition_index.value());
    if (p == nullptr) {
        out.error_code = error_code::unknown_topic_or_partition;
        return;
    }
    for (const auto& [id, entry] : p->log->log->producers().entries()) {
        auto& s = out.active_producers.emplace_back();
        s.producer_id = model::producer_id(id);
        s.producer_epoch = entry.epoch.value();
        s.last_sequence = entry.last_sequence();
        s.last_timestamp = entry.last_timestamp_ms;
        s.coordinator_epoch = entry.coordinator_epoch;
        s.current_txn_start_offset = entry.current_txn_first_offset.value_or(model::no_offset);
    }
    std::ranges::sort(out.active_producers, {}, [](const auto& s) { return s.producer_id.value(); });
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_producers_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::describe_producers_response response;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<item> items;
    response.topics.reserve(req.topics.size());
    for (const auto& topic : req.topics) {
        auto& t = response.topics.emplace_back();
        t.name = topic.name;
        t.partitions.reserve(topic.partition_indexes.size());
        const cluster::topic_image* known = image->find(topic.name);
        for (model::partition_id index : topic.partition_indexes) {
            auto& out = t.partitions.emplace_back();
            out.partition_index = index;
            if (!has_partition(known, index.value())) {
                out.error_code = error_code::unknown_topic_or_partition;
                continue;
            }
        }
    }
    // Pointers into the response only once it stopped growing.
    for (size_t ti = 0; ti < req.topics.size(); ++ti)
        for (auto& out : response.topics[ti].partitions)
            if (out.error_code == error_code::none) items.push_back({response.topics[ti].name, &out});
    co_await on_owners(
        r, items, [](const item& it) { return it.topic; },
        [](const item& it) { return it.out->partition_index.value(); }, describe_one);
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::describe_producers_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler describe_producers{61, 0, 0, handle, error_response};

} // namespace sluice::server::handlers
