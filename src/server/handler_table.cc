#include "server/handler_table.h"

#include <algorithm>

#include "base/assert.h"
#include "server/handlers/handlers.h"

namespace sluice::server {

handler_table::handler_table() {
    for (const api_handler* h : {&handlers::metadata, &handlers::api_versions, &handlers::describe_cluster,
                                 // data path
                                 &handlers::produce, &handlers::fetch, &handlers::list_offsets,
                                 &handlers::delete_records, &handlers::offset_for_leader_epoch,
                                 &handlers::describe_log_dirs, &handlers::init_producer_id,
                                 &handlers::describe_producers,
                                 // admin
                                 &handlers::create_topics, &handlers::delete_topics, &handlers::create_partitions,
                                 &handlers::describe_configs, &handlers::alter_configs,
                                 &handlers::incremental_alter_configs, &handlers::describe_topic_partitions,
                                 // groups
                                 &handlers::find_coordinator, &handlers::offset_commit, &handlers::offset_fetch,
                                 &handlers::join_group, &handlers::heartbeat, &handlers::leave_group,
                                 &handlers::sync_group, &handlers::describe_groups, &handlers::list_groups,
                                 &handlers::delete_groups, &handlers::offset_delete, &handlers::txn_offset_commit,
                                 &handlers::consumer_group_heartbeat, &handlers::consumer_group_describe,
                                 // transactions
                                 &handlers::add_partitions_to_txn, &handlers::add_offsets_to_txn, &handlers::end_txn,
                                 &handlers::describe_transactions, &handlers::list_transactions}) {
        const protocol::api_info* api = protocol::find_api(h->api_key);
        SLUICE_ASSERT(api != nullptr, "handler for an API key the protocol does not define");
        SLUICE_ASSERT(h->min_version >= api->schema_min_version && h->max_version <= api->schema_max_version,
                      "handler versions outside the API's definitions");
        SLUICE_ASSERT(h->api_key >= 0 && static_cast<size_t>(h->api_key) < capacity && !_by_key[h->api_key],
                      "duplicate or out-of-range handler key");
        _by_key[h->api_key] = h;
        _handlers[_count++] = h;
    }
    std::sort(_handlers, _handlers + _count, [](auto* a, auto* b) { return a->api_key < b->api_key; });
}

const handler_table& handler_table::instance() {
    static const handler_table table;
    return table;
}

const api_handler* handler_table::find(int16_t api_key) const noexcept {
    if (api_key < 0 || static_cast<size_t>(api_key) >= capacity) return nullptr;
    return _by_key[api_key];
}

bool handler_table::advertised_range(const api_handler& h, int16_t& min_version, int16_t& max_version) noexcept {
    const protocol::api_info* api = protocol::find_api(h.api_key);
    if (api == nullptr || !api->advertised) return false;
    min_version = std::max(h.min_version, api->min_version);
    max_version = std::min(h.max_version, api->max_version);
    return min_version <= max_version;
}

} // namespace sluice::server
