// Fetch (key 1), v4-17, for consumers. Per partition, on its owner shard: whole batches from
// the fetch offset as file ranges, written into the response by sendfile (DESIGN.md §4).
// Long poll: while fewer than min_bytes are available the request waits, up to max_wait_ms,
// woken by appends to any of its partitions. Limits: max_bytes (capped by fetch.max.bytes)
// and each partition's partition_max_bytes, except that the first partition with data always
// returns at least one whole batch (KIP-74). Incremental fetch sessions (KIP-227) live on the
// connection's shard. read_committed (KIP-98) stops before the first open transaction (the
// last stable offset) and lists the aborted transactions in the range, which the client
// skips; read_uncommitted returns everything, control batches included (clients skip them).
#include <algorithm>
#include <chrono>

#include "protocol/generated/api_001_fetch.h"
#include "server/handlers/handlers.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

struct fetch_item {
    std::string topic; // empty when the topic id is unknown
    uuid topic_id;
    int32_t partition = 0;
    model::offset offset{0};
    int32_t max_bytes = 0;
    // Results of the last read.
    error_code error = error_code::none;
    int64_t high_watermark = -1;
    int64_t log_start_offset = -1;
    int64_t last_stable_offset = -1;
    storage::file_range range;
    std::vector<storage::aborted_txn> aborted; // read_committed
};

// One round: reads every item on its owner shard. With `wakeup`, partitions register it, so
// that an append after this read wakes the waiting request.
asio::awaitable<void> read_all(request& r, std::vector<fetch_item>& items, std::shared_ptr<fetch_wakeup> wakeup,
                               bool read_committed) {
    const net::shard_id here = net::this_shard();
    std::vector<net::shard_id> shards;
    for (const fetch_item& it : items)
        if (!it.topic.empty()) {
            net::shard_id s = r.ctx.owner_of(it.topic, it.partition);
            if (std::find(shards.begin(), shards.end(), s) == shards.end()) shards.push_back(s);
        }
    co_await for_each_shard(*r.ctx.shards, shards, [&](net::shard_id shard) -> asio::awaitable<void> {
        shard_partitions& parts = *r.ctx.partitions[shard];
        for (fetch_item& it : items) {
            if (it.topic.empty() || r.ctx.owner_of(it.topic, it.partition) != shard) continue;
            it.range = {};
            partition* p = parts.find(it.topic, it.partition);
            if (p == nullptr) {
                it.error = error_code::unknown_topic_or_partition;
                continue;
            }
            storage::log& log = *p->log->log;
            const model::offset hw = p->high_watermark();
            const model::offset lso = log.last_stable_offset();
            it.high_watermark = hw.value();
            it.log_start_offset = log.log_start_offset().value();
            it.last_stable_offset = lso.value();
            it.aborted.clear();
            it.error = error_code::none;
            if (it.offset < log.log_start_offset() || it.offset > hw) {
                it.error = error_code::offset_out_of_range;
                continue;
            }
            const model::offset limit = read_committed ? lso : hw;
            if (it.offset < limit) {
                auto read = log.read(it.offset, static_cast<uint64_t>(std::max(it.max_bytes, 1)), limit);
                if (!read) {
                    it.error = read.error() == storage::storage_errc::offset_out_of_range ? error_code::offset_out_of_range
                                                                                        : error_code::kafka_storage_error;
                    continue;
                }
                it.range = read->range;
                // The response is written on the connection's shard: it gets the real file,
                // whose descriptor stays open until the sendfile is done, never this shard's
                // LRU proxy (lru_file_system.h).
                if (!it.range.empty())
                    if (auto owner = it.range.file->descriptor_owner()) it.range.file = std::move(owner);
                if (read_committed && !it.range.empty()) {
                    auto aborted = log.aborted_transactions(it.offset, limit);
                    if (!aborted) {
                        it.error = error_code::kafka_storage_error;
                        it.range = {};
                        continue;
                    }
                    it.aborted = std::move(*aborted);
                }
            }
            if (wakeup) parts.add_waiter(*p, here, wakeup);
        }
        co_return;
    });
}

msg::fetch_response top_level_error(error_code code) {
    msg::fetch_response response;
    response.error_code = code;
    response.session_id = 0;
    return response;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::fetch_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const broker_settings& settings = r.ctx.settings;
    const bool by_id = r.version >= 13;
    cluster::image_ptr image = r.ctx.metadata->current();
    shard_partitions& local = *r.ctx.partitions[net::this_shard()];
    fetch_sessions& sessions = local.sessions();

    // --- Session (KIP-227) ------------------------------------------------------------
    std::vector<fetch_item> items;
    fetch_session* session = nullptr;
    bool incremental = false;
    auto name_of = [&](const std::string& topic, const uuid& id) -> std::string {
        if (!by_id) return topic;
        const cluster::topic_image* t = image->find(id);
        return t ? t->name : std::string();
    };
    if (req.session_id == 0 || req.session_epoch <= 0) {
        if (req.session_id != 0) sessions.remove(req.session_id); // epoch -1 closes; 0 starts anew
        if (req.session_epoch == 0) session = sessions.create();
        for (const auto& topic : req.topics) {
            std::string name = name_of(topic.topic, topic.topic_id);
            for (const auto& p : topic.partitions) {
                fetch_item it;
                it.topic = name;
                it.topic_id = topic.topic_id;
                it.partition = p.partition.value();
                it.offset = p.fetch_offset;
                it.max_bytes = p.partition_max_bytes;
                items.push_back(std::move(it));
                if (session && !name.empty())
                    session->partitions[{name, it.partition}] =
                        session_partition{topic.topic_id, p.fetch_offset, p.partition_max_bytes, -1, -1};
            }
        }
    } else {
        session = sessions.find(req.session_id);
        if (session == nullptr) co_return respond(r, top_level_error(error_code::fetch_session_id_not_found));
        if (session->next_epoch != req.session_epoch) co_return respond(r, top_level_error(error_code::invalid_fetch_session_epoch));
        incremental = true;
        for (const auto& topic : req.topics) {
            std::string name = name_of(topic.topic, topic.topic_id);
            for (const auto& p : topic.partitions) {
                if (name.empty()) {
                    fetch_item it; // unknown topic id: answered once, not kept
                    it.topic_id = topic.topic_id;
                    it.partition = p.partition.value();
                    items.push_back(std::move(it));
                    continue;
                }
                auto& sp = session->partitions[{name, p.partition.value()}];
                sp.topic_id = topic.topic_id;
                sp.fetch_offset = p.fetch_offset;
                sp.max_bytes = p.partition_max_bytes;
            }
        }
        for (const auto& forgotten : req.forgotten_topics_data) {
            std::string name = name_of(forgotten.topic, forgotten.topic_id);
            for (auto p : forgotten.partitions) session->partitions.erase({name, p.value()});
        }
        for (const auto& [key, sp] : session->partitions) {
            fetch_item it;
            it.topic = key.first;
            it.topic_id = sp.topic_id;
            it.partition = key.second;
            it.offset = sp.fetch_offset;
            it.max_bytes = sp.max_bytes;
            items.push_back(std::move(it));
        }
    }
    const int32_t session_id = session ? session->id : 0;
    if (session) session->next_epoch = incremental ? req.session_epoch + 1 : 1;

    // --- Long poll ------------------------------------------------------------------------
    const int64_t max_bytes = std::min<int64_t>(std::max(req.max_bytes, 1), settings.fetch_max_bytes);
    const auto max_wait = std::chrono::milliseconds(std::clamp(req.max_wait_ms, 0, settings.max_fetch_wait_ms));
    const auto deadline = std::chrono::steady_clock::now() + max_wait;
    const bool may_wait = req.min_bytes > 0 && max_wait.count() > 0 && !local.long_polls_stopped();
    const bool read_committed = req.isolation_level == 1;
    auto executor = co_await asio::this_coro::executor;
    while (true) {
        std::shared_ptr<fetch_wakeup> wakeup = may_wait ? std::make_shared<fetch_wakeup>(executor) : nullptr;
        co_await read_all(r, items, wakeup, read_committed);
        int64_t available = 0;
        bool error = false;
        for (const fetch_item& it : items) {
            available += static_cast<int64_t>(it.range.length);
            error |= it.error != error_code::none || it.topic.empty();
        }
        if (!may_wait || error || available >= req.min_bytes || std::chrono::steady_clock::now() >= deadline ||
            local.long_polls_stopped()) {
            if (wakeup) wakeup->done = true;
            break;
        }
        if (!wakeup->woken) { // woken already: an append came while the read was on its way back
            wakeup->timer.expires_at(deadline);
            co_await wakeup->timer.async_wait(net::use_tuple);
        }
        wakeup->done = true;
    }

    // --- Response ---------------------------------------------------------------------------
    msg::fetch_response response;
    response.session_id = session_id;
    std::vector<storage::file_range> ranges;
    std::vector<byte_buffer> copies; // ranges of files without a descriptor (in-memory tests)
    int64_t total = 0;
    for (fetch_item& it : items) {
        session_partition* sp = nullptr;
        if (session && !it.topic.empty()) {
            auto found = session->partitions.find({it.topic, it.partition});
            if (found != session->partitions.end()) sp = &found->second;
        }
        // The response limit: a partition's bytes are dropped once they would exceed it,
        // unless nothing was returned yet (KIP-74).
        if (!it.range.empty() && total > 0 && total + static_cast<int64_t>(it.range.length) > max_bytes) it.range = {};
        total += static_cast<int64_t>(it.range.length);
        if (incremental && sp && it.error == error_code::none && it.range.empty() &&
            sp->high_watermark == it.high_watermark && sp->log_start_offset == it.log_start_offset &&
            sp->last_stable_offset == it.last_stable_offset)
            continue; // nothing new for this partition
        if (sp) {
            sp->high_watermark = it.high_watermark;
            sp->log_start_offset = it.log_start_offset;
            sp->last_stable_offset = it.last_stable_offset;
        }
        if (response.responses.empty() || response.responses.back().topic != it.topic ||
            response.responses.back().topic_id != it.topic_id) {
            auto& t = response.responses.emplace_back();
            t.topic = it.topic;
            t.topic_id = it.topic_id;
        }
        auto& pd = response.responses.back().partitions.emplace_back();
        pd.partition_index = model::partition_id{it.partition};
        pd.error_code = it.topic.empty() ? error_code::unknown_topic_id : it.error;
        pd.high_watermark = model::offset{it.high_watermark};
        pd.last_stable_offset = model::offset{it.last_stable_offset};
        pd.log_start_offset = model::offset{it.log_start_offset};
        if (read_committed) {
            pd.aborted_transactions.emplace();
            for (const storage::aborted_txn& t : it.aborted) {
                auto& a = pd.aborted_transactions->emplace_back();
                a.producer_id = t.producer_id;
                a.first_offset = t.first_offset;
            }
        } else {
            pd.aborted_transactions.reset();
        }
        pd.records.emplace();
        if (!it.range.empty()) {
            if (it.range.file->native_handle() >= 0) {
                pd.records->external_size = it.range.length;
                pd.records->external_id = static_cast<uint32_t>(ranges.size());
                ranges.push_back(it.range);
            } else {
                byte_buffer& copy = copies.emplace_back(it.range.length);
                auto n = it.range.file->read_at(it.range.position, copy);
                if (!n || *n != copy.size()) {
                    pd.error_code = error_code::kafka_storage_error;
                    copy.clear();
                }
                pd.records->data = copy;
            }
        }
    }
    std::vector<protocol::splice> splices;
    r.response.reserve(r.response.size() + response.size(r.version));
    protocol::writer w(r.response, splices);
    response.write(w, r.version);
    for (const protocol::splice& s : splices) {
        const storage::file_range& range = ranges[s.external_id];
        r.files->push_back(net::file_part{s.position, range.file->native_handle(), range.position, range.length, range.file});
    }
    co_return handler_outcome::respond;
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::fetch_response response = top_level_error(code);
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler fetch{1, 4, 17, handle, error_response};

} // namespace sluice::server::handlers
