// OffsetForLeaderEpoch (key 23), v2-4: the end offset of a leader epoch in a partition's log
// (the start of the next epoch, or the log end for the current one), which consumers use to
// detect log truncation after a leader change (KIP-320).
#include "protocol/generated/api_023_offset_for_leader_epoch.h"
#include "server/handlers/handlers.h"
#include "server/handlers/partition_apis.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

struct item {
    std::string_view topic;
    int32_t current_leader_epoch;
    int32_t leader_epoch;
    msg::offset_for_leader_epoch_response::epoch_end_offset* out;
};

asio::awaitable<handler_outcome> handle(request& r) {
    msg::offset_for_leader_epoch_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::offset_for_leader_epoch_response response;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<item> items;
    for (const auto& topic : req.topics) response.topics.emplace_back().partitions.reserve(topic.partitions.size());
    for (size_t ti = 0; ti < req.topics.size(); ++ti) {
        const auto& topic = req.topics[ti];
        auto& t = response.topics[ti];
        t.topic = topic.topic;
        const cluster::topic_image* known = image->find(topic.topic);
        for (const auto& part : topic.partitions) {
            auto& out = t.partitions.emplace_back();
            out.partition = part.partition;
            if (!has_partition(known, part.partition.value())) {
                out.error_code = error_code::unknown_topic_or_partition;
                continue;
            }
            items.push_back({topic.topic, part.current_leader_epoch.value(), part.leader_epoch.value(), &out});
        }
    }
    co_await on_owners(
        r, items, [](const item& it) { return it.topic; }, [](const item& it) { return it.out->partition.value(); },
        [](shard_partitions& parts, item& it) {
            auto& out = *it.out;
            partition* p = parts.find(it.topic, out.partition.value());
            if (p == nullptr) {
                out.error_code = error_code::unknown_topic_or_partition;
                return;
            }
            if ((out.error_code = check_leader_epoch(it.current_leader_epoch, 0)) != error_code::none) return;
            storage::epoch_end_offset e = p->log->log->end_offset_for_epoch(model::leader_epoch{it.leader_epoch});
            out.leader_epoch = e.epoch;
            out.end_offset = e.end_offset;
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::offset_for_leader_epoch_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler offset_for_leader_epoch{23, 2, 4, handle, error_response};

} // namespace sluice::server::handlers
