#include "server/group_shard.h"

#include <asio/post.hpp>

#include "base/log.h"
#include "protocol/compression.h"
#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "protocol/record_reader.h"
#include "server/shard_partitions.h"
#include "storage/clock.h"

namespace sluice::server {

namespace {

// The most a replayed batch may decompress to (a compressed batch Kafka wrote).
constexpr size_t replay_decompressed_max = 256u << 20;

} // namespace

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
    : _shard(shard), _executor(std::move(executor)),
      _coordinator(std::make_unique<coordinator::group_coordinator>(config, *this, *this)) {}

group_shard::~group_shard() {
    // The coordinator's destructor may cancel timers: it goes first.
    _coordinator.reset();
    for (auto& [id, timer] : _timers) timer->cancel();
}

int64_t group_shard::now_ms() const { return storage::system_clock().now_ms(); }

coordinator::scheduler::timer_id group_shard::schedule(int64_t delay_ms, std::function<void()> fn) {
    const timer_id id = _next_timer++;
    auto timer = std::make_unique<asio::steady_timer>(_executor, std::chrono::milliseconds(std::max<int64_t>(0, delay_ms)));
    timer->async_wait([this, id, fn = std::move(fn)](const std::error_code& ec) {
        if (ec) return; // cancelled: the entry is already gone
        auto it = _timers.find(id);
        if (it == _timers.end()) return;
        _timers.erase(it);
        fn();
    });
    _timers.emplace(id, std::move(timer));
    return id;
}

void group_shard::cancel(timer_id id) {
    auto it = _timers.find(id);
    if (it == _timers.end()) return;
    it->second->cancel();
    _timers.erase(it);
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
    auto answer = [this, &done](protocol::error_code e) {
        asio::post(_executor, [done = std::move(done), e] { done(e); });
    };
    partition* p = _stopped || !_loaded.contains(index) ? nullptr : _shard.lookup(consumer_offsets_topic, index);
    if (p == nullptr) return answer(protocol::error_code::not_coordinator);
    if (records.empty()) return answer(protocol::error_code::none);
    protocol::record_batch_builder builder(options);
    const int64_t now = now_ms();
    for (const auto& r : records) {
        protocol::record_input in;
        in.timestamp_ms = now;
        in.key = byte_view(r.key);
        if (r.value) in.value = byte_view(*r.value);
        builder.append(in);
    }
    protocol::build_result built = builder.build();
    if (!built.ok()) return answer(protocol::error_code::unknown_server_error);
    auto appended = p->log->log->append(std::span<uint8_t>(built.bytes.data(), built.bytes.size()), model::leader_epoch{0});
    if (!appended) {
        log::error("{}-{}: appending group records: {}", consumer_offsets_topic, index, storage::to_string(appended.error()));
        return answer(protocol::error_code::kafka_storage_error);
    }
    p->log->syncer->appended();
    _shard.appended(*p);
    const model::offset up_to{appended->last_offset.value() + 1};
    p->log->syncer->wait_durable(up_to, [this, done = std::move(done)](storage::storage_errc e) mutable {
        const auto code = e == storage::storage_errc::none ? protocol::error_code::none
                                                            : protocol::error_code::kafka_storage_error;
        asio::post(_executor, [done = std::move(done), code] { done(code); });
    });
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
    storage::log& log = *p.log->log;
    model::offset next = log.log_start_offset();
    const model::offset end = log.log_end_offset();
    byte_buffer bytes, scratch;
    std::vector<protocol::record_batch_view> batches;
    size_t records = 0;
    bool failed = false;
    while (next < end && !failed) {
        auto read = log.read(next, 1u << 20);
        if (!read || read->range.empty()) {
            log::error("{}-{}: reading at offset {} to load groups: {}", consumer_offsets_topic, index, next.value(),
                       read ? "nothing to read" : storage::to_string(read.error()));
            break;
        }
        bytes.resize(read->range.length);
        auto got = read->range.file->read_at(read->range.position, std::span<uint8_t>(bytes.data(), bytes.size()));
        if (!got || *got != bytes.size()) {
            log::error("{}-{}: reading a segment to load groups failed", consumer_offsets_topic, index);
            break;
        }
        batches.clear();
        protocol::split_batches(byte_view(bytes), batches);
        if (batches.empty()) break;
        for (const auto& batch : batches) {
            next = model::offset{batch.base_offset().value() + batch.last_offset_delta() + 1};
            if (batch.is_control()) {
                replay_control_batch(index, batch);
                continue;
            }
            // Only a transactional batch's records wait for a marker (Kafka's coordinator
            // writes no other batch with a producer id).
            const model::producer_id producer =
                batch.is_transactional() ? batch.producer_id() : model::no_producer_id;
            byte_view section = batch.records_bytes();
            if (batch.compression() != protocol::compression_type::none) {
                if (protocol::decompress_into(batch.compression(), section, replay_decompressed_max, scratch) !=
                    protocol::codec_error::none) {
                    log::error("{}-{}: a batch at offset {} does not decompress; skipped", consumer_offsets_topic,
                               index, batch.base_offset().value());
                    continue;
                }
                section = byte_view(scratch);
            }
            protocol::record_reader reader(section);
            protocol::record_view record;
            while (reader.next(record)) {
                if (!record.key) continue;
                _coordinator->replay(index, producer, *record.key, record.value);
                ++records;
            }
        }
    }
    _coordinator->complete_load(index);
    _loaded.insert(index);
    log::debug("{}-{}: {} record(s) replayed", consumer_offsets_topic, index, records);
}

void group_shard::reconcile(const cluster::image_ptr& image) {
    if (_stopped) return;
    std::set<int32_t> owned;
    for (const auto& [tp, p] : _shard.partitions())
        if (tp.topic == consumer_offsets_topic) owned.insert(tp.partition.value());
    for (auto it = _loaded.begin(); it != _loaded.end();) {
        if (owned.contains(*it)) {
            ++it;
            continue;
        }
        _coordinator->unload(*it);
        it = _loaded.erase(it);
    }
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
