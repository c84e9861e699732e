// ListGroups (key 16), v0-5: the groups of every shard's coordinator (v4+ states filter, v5+
// types filter), in group id order; COORDINATOR_LOAD_IN_PROGRESS (and no groups) while a
// shard is still loading a partition of __consumer_offsets, as Kafka answers.
#include <algorithm>

#include "server/handlers/group_routing.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::list_groups_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::list_groups_response response;
    std::vector<net::shard_id> shards;
    for (net::shard_id s = 0; s < r.ctx.shards->count(); ++s) shards.push_back(s);
    std::vector<std::vector<msg::list_groups_response::listed_group>> per_shard(shards.size());
    const int16_t version = r.version;
    std::vector<uint8_t> loading(shards.size(), 0); // one slot per shard: no shared writes
    co_await for_each_shard(*r.ctx.shards, shards, [&](net::shard_id s) -> asio::awaitable<void> {
        coordinator::group_coordinator& gc = r.ctx.partitions[s]->groups().coordinator();
        if (gc.loading()) {
            loading[s] = 1;
            co_return;
        }
        per_shard[s] = gc.list_groups(version, req.states_filter, req.types_filter);
    });
    if (std::find(loading.begin(), loading.end(), 1) != loading.end()) {
        response.error_code = error_code::coordinator_load_in_progress;
        co_return respond(r, response);
    }
    for (auto& groups : per_shard)
        for (auto& g : groups) response.groups.push_back(std::move(g));
    std::sort(response.groups.begin(), response.groups.end(),
              [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::list_groups_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler list_groups{16, 0, 5, handle, error_response};

} // namespace sluice::server::handlers
