// DeleteRecords (key 21), v0-2: moves each partition's log start offset up to the requested
// offset (-1: the high watermark); segments wholly below it are deleted. The new log start
// is checkpointed before the answer, so it survives a crash.
#include "protocol/generated/api_021_delete_records.h"
#include "server/handlers/handlers.h"
#include "server/handlers/partition_apis.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

struct item {
    std::string_view topic;
    model::offset offset;
    msg::delete_records_response::delete_records_partition_result* out;
};

asio::awaitable<handler_outcome> handle(request& r) {
    msg::delete_records_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::delete_records_response response;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<item> items;
    for (const auto& topic : req.topics) response.topics.emplace_back().partitions.reserve(topic.partitions.size());
    for (size_t ti = 0; ti < req.topics.size(); ++ti) {
        const auto& topic = req.topics[ti];
        auto& t = response.topics[ti];
        t.name = topic.name;
        const cluster::topic_image* known = image->find(topic.name);
        for (const auto& part : topic.partitions) {
            auto& out = t.partitions.emplace_back();
            out.partition_index = part.partition_index;
            out.low_watermark = model::offset{-1};
            if (!has_partition(known, part.partition_index.value())) {
                out.error_code = error_code::unknown_topic_or_partition;
                continue;
            }
            items.push_back({topic.name, part.offset, &out});
        }
    }
    std::vector<net::shard_id> touched;
    co_await on_owners(
        r, items, [](const item& it) { return it.topic; }, [](const item& it) { return it.out->partition_index.value(); },
        [](shard_partitions& parts, item& it) {
            auto& out = *it.out;
            partition* p = parts.find(it.topic, out.partition_index.value());
            if (p == nullptr) {
                out.error_code = error_code::unknown_topic_or_partition;
                return;
            }
            storage::log& log = *p->log->log;
            const model::offset hw = p->high_watermark();
            model::offset target = it.offset.value() == -1 ? hw : it.offset;
            if (target.value() < 0 || target > hw) {
                out.error_code = error_code::offset_out_of_range;
                return;
            }
            if (target > log.log_start_offset()) {
                if (auto e = log.delete_records(target); e != storage::storage_errc::none) {
                    out.error_code = error_code::kafka_storage_error;
                    return;
                }
                if (auto e = parts.logs().write_checkpoints(); e != storage::storage_errc::none) {
                    out.error_code = error_code::kafka_storage_error;
                    return;
                }
            }
            out.low_watermark = log.log_start_offset();
        });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::delete_records_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler delete_records{21, 0, 2, handle, error_response};

} // namespace sluice::server::handlers
