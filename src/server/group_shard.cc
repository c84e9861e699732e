#include "server/group_shard.h"

#include <asio/post.hpp>

#include "base/log.h"
#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"
#include "server/internal_partition.h"
#include "server/shard_partitions.h"

namespace sluice::server {

coordinator::group_config group_config_from(const storage::properties& p) {
    coordinator::group_config c;
    auto i32 = [&p](std::string_view key, int32_t fallback) {
        return static_cast<int32_t>(storage::property_int(p, key, fallback));
    };
    c.offsets_topic_partitions = i32("offsets.topic.num.partitions", c.offsets_topic_partitions);
    c.min_session_timeout_ms = i32("group.min.session.timeout.ms", c.min_session_timeout_ms);
    c.max_session_timeout_ms = i32("group.max.session.timeout.ms", c.max_session_timeout_ms);
    c.initial_rebalance_delay_ms = i32("group.initial.rebalance.delay.ms", c.initial_rebalance_delay_ms);
    c.max_size = i32("group.max.size", c.max_size);
    c.offsets_retention_ms = storage::property_int(p, "offsets.retention.minutes", c.offsets_retention_ms / 60'000) * 60'000;
    c.offsets_retention_check_interval_ms =
        storage::property_int(p, "offsets.retention.check.interval.ms", c.offsets_retention_check_interval_ms);
    c.offset_metadata_max_bytes = i32("offset.metadata.max.bytes", c.offset_metadata_max_bytes);
    c.consumer_heartbeat_interval_ms = i32("group.consumer.heartbeat.interval.ms", c.consumer_heartbeat_interval_ms);
    c.consumer_session_timeout_ms = i32("group.consumer.session.timeout.ms", c.consumer_session_timeout_ms);
    c.consumer_max_size = i32("group.consumer.max.size", c.consumer_max_size);
    if (auto it = p.find("group.consumer.assignors"); it != p.end()) {
        // A comma-separated list, spaces around names ignored (Kafka's LIST type).
        std::vector<std::string> names;
        std::string_view rest = it->second;
        while (!rest.empty()) {
            size_t comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (!item.empty()) names.emplace_back(item);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        if (!names.empty()) c.consumer_assignors = std::move(names);
    }
    return c;
}

group_shard::group_shard(shard_partitions& shard, asio::any_io_executor executor, coordinator::group_config config)
    : _shard(shard), _executor(executor), _scheduler(std::move(executor)),
      _coordinator(std::make_unique<coordinator::group_coordinator>(config, _scheduler, *this)) {}

group_shard::~group_shard() {
    // The coordinator's destructor may cancel timers: it goes before the scheduler.
    _coordinator.reset();
}

void group_shard::append(int32_t index, std::vector<coordinator::offsets_record> records,
                         std::function<void(protocol::error_code)> done) {
    append_batch(index, protocol::batch_builder_options{}, std::move(records), std::move(done));
}

void group_shard::append_transactional(int32_t index, model::producer_id producer_id,
                                       model::producer_epoch producer_epoch,
                                       std::vector<coordinator::offsets_record> records,
                                       std::function<void(protocol::error_code)> done) {
    protocol::batch_builder_options options;
    options.producer_id = producer_id;
    options.producer_epoch = producer_epoch;
    // Kafka 4.0's CoordinatorRuntime (and the older GroupMetadataManager.storeOffsets) build the
    // batch with base sequence 0, not RecordBatch.NO_SEQUENCE.
    options.base_sequence = 0;
    options.transactional = true;
    append_batch(index, options, std::move(records), std::move(done));
}

void group_shard::complete_transaction(int32_t partition, model::producer_id producer_id, bool commit) {
    if (_stopped || !_loaded.contains(partition)) return;
    _coordinator->complete_transaction(partition, producer_id, commit);
}

void group_shard::append_batch(int32_t index, const protocol::batch_builder_options& options,
                               std::vector<coordinator::offsets_record> records,
                               std::function<void(protocol::error_code)> done) {
    partition* p = _stopped || !_loaded.contains(index) ? nullptr : _shard.lookup(consumer_offsets_topic, index);
    if (p == nullptr) {
        asio::post(_executor, [done = std::move(done)] { done(protocol::error_code::not_coordinator); });
        return;
    }
    if (records.empty()) {
        asio::post(_executor, [done = std::move(done)] { done(protocol::error_code::none); });
        return;
    }
    std::vector<internal_record> views;
    views.reserve(records.size());
    for (const auto& r : records)
        views.push_back({byte_view(r.key), r.value ? std::optional<byte_view>(byte_view(*r.value)) : std::nullopt});
    append_durably(_shard, *p, options, views, _scheduler.now_ms(), _executor, std::move(done));
}

void group_shard::replay_control_batch(int32_t index, const protocol::record_batch_view& batch) {
    // A control batch is never compressed and holds one record: its key says COMMIT or ABORT
    // (other control types do not occur in partition logs and are skipped, as Kafka does).
    protocol::record_reader reader(batch.records_bytes());
    protocol::record_view record;
    while (reader.next(record)) {
        protocol::control_key key;
        if (!protocol::parse_control_key(record.key, key)) continue;
        if (key.type == protocol::control_record_type::commit || key.type == protocol::control_record_type::abort)
            _coordinator->replay_end_txn(index, batch.producer_id(), key.type == protocol::control_record_type::commit);
    }
}

void group_shard::load(int32_t index, partition& p) {
    _coordinator->begin_load(index);
    size_t records = 0;
    const std::string name = std::string(consumer_offsets_topic) + "-" + std::to_string(index);
    replay_log(*p.log->log, name, [&](const protocol::record_batch_view& batch, byte_view section) {
        if (batch.is_control()) {
            replay_control_batch(index, batch);
            return;
        }
        // Only a transactional batch's records wait for a marker (Kafka's coordinator
        // writes no other batch with a producer id).
        const model::producer_id producer = batch.is_transactional() ? batch.producer_id() : model::no_producer_id;
        protocol::record_reader reader(section);
        protocol::record_view record;
        while (reader.next(record)) {
            if (!record.key) continue;
            _coordinator->replay(index, producer, *record.key, record.value);
            ++records;
        }
    });
    _coordinator->complete_load(index);
    _loaded.insert(index);
    log::debug("{}: {} record(s) replayed", name, records);
}

void group_shard::reconcile(const cluster::image_ptr& image) {
    if (_stopped) return;
    const std::set<int32_t> owned =
        owned_partitions(_shard, consumer_offsets_topic, _loaded, [this](int32_t index) { _coordinator->unload(index); });
    for (int32_t index : owned) {
        if (_loaded.contains(index)) continue;
        if (partition* p = _shard.lookup(consumer_offsets_topic, index)) load(index, *p);
    }
    std::set<std::string, std::less<>> topics;
    for (const auto& [name, topic] : image->topics()) topics.insert(name);
    std::vector<std::string> deleted;
    for (const auto& name : _topics)
        if (!topics.contains(name)) deleted.push_back(name);
    _topics = std::move(topics);
    if (!deleted.empty() && !_loaded.empty()) _coordinator->topics_deleted(deleted);
}

void group_shard::shutdown() {
    if (_stopped) return;
    for (int32_t index : _loaded) _coordinator->unload(index);
    _loaded.clear();
    _stopped = true;
}

} // namespace sluice::server
