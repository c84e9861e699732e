// ListOffsets (key 2), v1-10: per partition the offset for a timestamp, or for the special
// timestamps -1 (latest: the high watermark, or the last stable offset for read_committed),
// -2 (earliest), -3 (max timestamp, KIP-734), -4 (earliest local, KIP-405: the log start
// without tiered storage) and -5 (latest tiered, KIP-1005: none without tiered storage).
#include "protocol/generated/api_002_list_offsets.h"
#include "server/handlers/handlers.h"
#include "server/handlers/partition_apis.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

struct item {
    std::string_view topic;
    int64_t timestamp;
    int32_t current_leader_epoch;
    bool read_committed;
    msg::list_offsets_response::list_offsets_partition_response* out;
};

void list_one(shard_partitions& parts, item& it) {
    auto& out = *it.out;
    partition* p = parts.find(it.topic, out.partition_index.value());
    if (p == nullptr) {
        out.error_code = error_code::unknown_topic_or_partition;
        return;
    }
    if ((out.error_code = check_leader_epoch(it.current_leader_epoch, 0)) != error_code::none) return;
    storage::log& log = *p->log->log;
    out.leader_epoch = model::leader_epoch{0};
    switch (it.timestamp) {
    case -1:
        out.offset = it.read_committed ? log.last_stable_offset() : p->high_watermark();
        return;
    case -2:
    case -4:
        out.offset = log.log_start_offset();
        return;
    case -5:
        out.offset = model::offset{-1};
        out.leader_epoch = model::leader_epoch{-1};
        return;
    default:
        break;
    }
    auto found = it.timestamp == -3 ? log.max_timestamp() : log.offset_for_timestamp(it.timestamp);
    if (!found) {
        out.error_code = error_code::kafka_storage_error;
        return;
    }
    if (!*found) {
        out.leader_epoch = model::leader_epoch{-1};
        return; // offset -1, timestamp -1: no such record
    }
    out.timestamp = (*found)->timestamp;
    out.offset = (*found)->offset;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::list_offsets_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::list_offsets_response response;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<item> items;
    response.topics.reserve(req.topics.size());
    for (const auto& topic : req.topics) response.topics.emplace_back().partitions.reserve(topic.partitions.size());
    for (size_t ti = 0; ti < req.topics.size(); ++ti) {
        const auto& topic = req.topics[ti];
        auto& t = response.topics[ti];
        t.name = topic.name;
        const cluster::topic_image* known = image->find(topic.name);
        for (const auto& part : topic.partitions) {
            auto& out = t.partitions.emplace_back();
            out.partition_index = part.partition_index;
            if (!has_partition(known, part.partition_index.value())) {
                out.error_code = error_code::unknown_topic_or_partition;
                continue;
            }
            items.push_back({topic.name, part.timestamp, part.current_leader_epoch.value(), req.isolation_level == 1, &out});
        }
    }
    co_await on_owners(
        r, items, [](const item& it) { return it.topic; },
        [](const item& it) { return it.out->partition_index.value(); }, list_one);
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::list_offsets_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler list_offsets{2, 1, 10, handle, error_response};

} // namespace sluice::server::handlers
