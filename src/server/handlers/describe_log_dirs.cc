// DescribeLogDirs (key 35), v1-4: the one log directory, with the size of each requested
// partition's log (all partitions when topics is null) and, v4+, the file system's total and
// usable bytes.
#include <sys/statvfs.h>

#include <filesystem>
#include <map>

#include "protocol/generated/api_035_describe_log_dirs.h"
#include "server/handlers/handlers.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_log_dirs_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    // Wanted partitions: null = all.
    std::optional<std::map<std::string, std::vector<int32_t>, std::less<>>> wanted;
    if (req.topics) {
        wanted.emplace();
        for (const auto& t : *req.topics)
            for (auto p : t.partitions) (*wanted)[t.topic].push_back(p.value());
    }
    const uint32_t count = r.ctx.shards->count();
    std::vector<std::vector<std::tuple<std::string, int32_t, int64_t>>> found(count);
    std::vector<net::shard_id> all;
    for (net::shard_id s = 0; s < count; ++s) all.push_back(s);
    co_await for_each_shard(*r.ctx.shards, all, [&](net::shard_id shard) -> asio::awaitable<void> {
        for (const auto& [tp, p] : r.ctx.partitions[shard]->partitions()) {
            if (wanted) {
                auto w = wanted->find(tp.topic);
                if (w == wanted->end() || std::find(w->second.begin(), w->second.end(), tp.partition.value()) == w->second.end())
                    continue;
            }
            int64_t size = 0;
            const storage::log& log = *p.log->log;
            for (size_t i = 0; i < log.segment_count(); ++i) size += static_cast<int64_t>(log.segment_at(i).size_bytes());
            found[shard].emplace_back(tp.topic, tp.partition.value(), size);
        }
        co_return;
    });
    std::map<std::string, std::vector<std::pair<int32_t, int64_t>>> by_topic;
    for (const auto& per_shard : found)
        for (const auto& [topic, partition, size] : per_shard) by_topic[topic].emplace_back(partition, size);

    msg::describe_log_dirs_response response;
    auto& dir = response.results.emplace_back();
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(r.ctx.settings.log_dir, ec);
    dir.log_dir = ec ? r.ctx.settings.log_dir : path.lexically_normal().string();
    struct statvfs fs{};
    if (::statvfs(dir.log_dir.c_str(), &fs) == 0) {
        dir.total_bytes = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize);
        dir.usable_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
    }
    for (auto& [topic, parts] : by_topic) {
        std::sort(parts.begin(), parts.end());
        auto& t = dir.topics.emplace_back();
        t.name = topic;
        for (const auto& [partition, size] : parts) {
            auto& p = t.partitions.emplace_back();
            p.partition_index = model::partition_id{partition};
            p.partition_size = size;
            p.offset_lag = 0;
            p.is_future_key = false;
        }
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::describe_log_dirs_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler describe_log_dirs{35, 1, 4, handle, error_response};

} // namespace sluice::server::handlers
