#include "server/shard_partitions.h"

#include "base/log.h"
#include "cluster/controller.h"
#include "server/broker_context.h"
#include "server/group_shard.h"
#include "server/producer_id_pool.h"
#include "server/txn_shard.h"
#include "storage/compaction/log_cleaner.h"
#include "storage/compaction/log_transaction_policy.h"
#include "storage/retention.h"

namespace sluice::server {

shard_partitions::shard_partitions(net::shard_id shard, const broker_context& ctx, storage::file_system& fs,
                                   const storage::clock& clock, storage::log_dir_config dir)
    : _shard(shard), _ctx(ctx), _fs(fs), _clock(clock), _dir(std::move(dir)),
      _sessions(static_cast<size_t>(std::max(0, ctx.settings.fetch_sessions))) {}

shard_partitions::~shard_partitions() {
    _txns.reset(); // its coordinator's callbacks may reach the groups and the producer ids
}

storage::storage_errc shard_partitions::open(bool clean_shutdown) {
    storage::log_manager_options options;
    net::smp* smp = _ctx.shards;
    const net::shard_id shard = _shard;
    options.post = [smp, shard](storage::flush_service::task t) { smp->post_to(shard, std::move(t)); };
    const uint32_t count = smp->count();
    options.owns = [shard, count](const storage::topic_partition& tp) {
        // The metadata quorum's own log directory (__cluster_metadata-0) is not a partition; a
        // topic whose name merely starts so (__cluster_metadata_backup) is one.
        if (tp.topic == cluster::cluster_metadata_topic) return false;
        return broker_context::owner_of(tp.topic, tp.partition.value(), count) == shard;
    };
    options.checkpoint_suffix = "." + std::to_string(shard);
    options.shared_directory = true;
    options.clean_shutdown = clean_shutdown;
    const storage::properties& broker = _ctx.settings.properties;
    options.settings_for = [this, &broker](const std::string& topic) {
        cluster::image_ptr image = _ctx.metadata->current();
        const cluster::topic_image* t = image->find(topic);
        return cluster::effective_topic_settings(broker, t ? t->configs : storage::properties{}).log;
    };
    auto opened = storage::log_manager::open(_fs, _clock, _dir, std::move(options));
    if (!opened) return opened.error();
    _logs = std::move(*opened);
    _groups = std::make_unique<group_shard>(*this, smp->context(shard).get_executor(), group_config_from(broker));
    _producer_ids = std::make_unique<producer_id_pool>(_ctx.controller, smp->context(shard).get_executor());
    txn::txn_config txn_config = txn_config_from(broker);
    // Routing follows the topics' real partition counts once they exist (Kafka reads them from
    // the metadata too), whatever the properties say now.
    cluster::image_ptr image = _ctx.metadata->current();
    if (const cluster::topic_image* t = image->find(transaction_state_topic))
        txn_config.state_partitions = static_cast<int32_t>(t->partitions.size());
    if (const cluster::topic_image* t = image->find(consumer_offsets_topic))
        txn_config.offsets_topic_partitions = static_cast<int32_t>(t->partitions.size());
    _txns = std::make_unique<txn_shard>(*this, _ctx, smp->context(shard).get_executor(), txn_config);
    _last_retention_ms = _last_cleaning_ms = _last_producer_expiry_ms = _clock.now_ms();
    // Checkpoints of this shard written at once: stale entries of an earlier shard layout go.
    return _logs->write_checkpoints();
}

void shard_partitions::reconcile(const cluster::image_ptr& image) {
    if (!_logs || (_image && image->offset() < _image->offset())) return;
    reconcile_logs(image);
    if (_groups) _groups->reconcile(image);
    if (_txns) _txns->reconcile(image);
}

void shard_partitions::reconcile_logs(const cluster::image_ptr& image) {
    _image = image;
    const uint32_t count = _ctx.shards->count();
    // Partitions whose topic is gone (or was deleted and created again under another id).
    for (auto it = _partitions.begin(); it != _partitions.end();) {
        const cluster::topic_image* t = image->find(it->first.topic);
        auto next = std::next(it);
        if (t == nullptr || t->id != it->second.topic_id) remove(it);
        it = next;
    }
    // Logs on disk that no topic claims (deleted while this broker was down, or before a crash
    // finished removing them): Kafka deletes such stray logs too.
    std::vector<storage::topic_partition> stray;
    for (const auto& [tp, log] : _logs->logs()) {
        const cluster::topic_image* t = image->find(tp.topic);
        if (t == nullptr || tp.partition.value() >= static_cast<int32_t>(t->partitions.size())) stray.push_back(tp);
    }
    for (const auto& tp : stray) {
        if (_partitions.contains(tp)) continue;
        log::warn("shard {}: deleting log {} (no such partition in the metadata)", _shard, tp.dir_name());
        if (auto e = _logs->remove(tp); e != storage::storage_errc::none)
            log::error("shard {}: deleting {}: {}", _shard, tp.dir_name(), storage::to_string(e));
    }
    const storage::properties& broker = _ctx.settings.properties;
    for (const auto& [name, topic] : image->topics()) {
        for (size_t i = 0; i < topic->partitions.size(); ++i) {
            const auto index = static_cast<int32_t>(i);
            if (broker_context::owner_of(name, index, count) != _shard) continue;
            storage::topic_partition tp{name, model::partition_id{index}};
            auto it = _partitions.find(tp);
            if (it != _partitions.end()) {
                if (it->second.overrides != topic->configs) {
                    // Live: everything the broker checks (sizes, timestamps, retention, cleanup),
                    // roll and flush rules; index sizes from the next segment.
                    it->second.settings = cluster::effective_topic_settings(broker, topic->configs);
                    it->second.overrides = topic->configs;
                    it->second.log->log->reconfigure(it->second.settings.log.log);
                    it->second.log->syncer->reconfigure(it->second.settings.log.flush);
                    it->second.log->settings = it->second.settings.log;
                }
                continue;
            }
            cluster::topic_settings settings = cluster::effective_topic_settings(broker, topic->configs);
            auto created = _logs->create(tp, settings.log);
            if (!created) {
                log::error("shard {}: creating log {}: {}", _shard, tp.dir_name(), storage::to_string(created.error()));
                continue;
            }
            partition& p = _partitions[tp];
            p.tp = tp;
            p.topic_id = topic->id;
            p.log = *created;
            p.settings = std::move(settings);
            p.overrides = topic->configs;
        }
    }
}

void shard_partitions::remove(std::map<storage::topic_partition, partition>::iterator it) {
    partition& p = it->second;
    for (auto& [shard, w] : p.waiters) {
        std::shared_ptr<fetch_wakeup> wake = w;
        _ctx.shards->post_to(shard, [wake] { wake->wake(); });
    }
    storage::topic_partition tp = it->first;
    _partitions.erase(it);
    if (auto e = _logs->remove(tp); e != storage::storage_errc::none)
        log::error("shard {}: deleting {}: {}", _shard, tp.dir_name(), storage::to_string(e));
    else
        log::info("shard {}: deleted log {}", _shard, tp.dir_name());
}

partition* shard_partitions::lookup(std::string_view topic, int32_t index) {
    auto it = _partitions.find(storage::topic_partition{std::string(topic), model::partition_id{index}});
    return it == _partitions.end() ? nullptr : &it->second;
}

partition* shard_partitions::find(std::string_view topic, int32_t index) {
    if (!_logs) return nullptr;
    storage::topic_partition tp{std::string(topic), model::partition_id{index}};
    auto it = _partitions.find(tp);
    cluster::image_ptr current = _ctx.metadata->current();
    if (it == _partitions.end() || !_image || _image->offset() < current->offset()) {
        // The image changed and its reconcile is still queued behind this request.
        reconcile(current);
        it = _partitions.find(tp);
    }
    return it == _partitions.end() ? nullptr : &it->second;
}

void shard_partitions::appended(partition& p) {
    for (auto& [shard, w] : p.waiters) {
        if (w->done.load(std::memory_order_acquire)) continue;
        std::shared_ptr<fetch_wakeup> wake = w;
        _ctx.shards->post_to(shard, [wake] { wake->wake(); });
    }
    p.waiters.clear();
}

void shard_partitions::wake_waiters() {
    for (auto& [tp, p] : _partitions) appended(p);
}

void shard_partitions::add_waiter(partition& p, net::shard_id shard, std::shared_ptr<fetch_wakeup> wakeup) {
    // Fetches that stopped waiting leave their entry until the next append; drop them here so
    // an idle partition polled forever does not collect entries.
    std::erase_if(p.waiters, [](const auto& w) { return w.second->done.load(std::memory_order_acquire); });
    p.waiters.emplace_back(shard, std::move(wakeup));
}

void shard_partitions::tick() {
    if (!_logs) return;
    if (auto e = _logs->tick(); e != storage::storage_errc::none)
        log::error("shard {}: flush/checkpoint: {}", _shard, storage::to_string(e));
    const int64_t now = _clock.now_ms();
    const storage::properties& broker = _ctx.settings.properties;
    if (now - _last_retention_ms >= storage::property_int(broker, "log.retention.check.interval.ms", 300'000)) {
        _last_retention_ms = now;
        for (auto& [tp, p] : _partitions) {
            auto r = storage::apply_retention(*p.log->log, p.settings.retention, now);
            if (!r) log::error("retention of {}: {}", tp.dir_name(), storage::to_string(r.error()));
            else if (r->segments_deleted > 0)
                log::info("retention of {}: {} segment(s) deleted, log start offset {}", tp.dir_name(),
                          r->segments_deleted, p.log->log->log_start_offset().value());
        }
    }
    // Kafka's removeExpiredProducers every producer.id.expiration.check.interval.ms.
    if (now - _last_producer_expiry_ms >= storage::property_int(broker, "producer.id.expiration.check.interval.ms", 600'000)) {
        _last_producer_expiry_ms = now;
        for (auto& [tp, p] : _partitions) p.log->log->expire_producers();
    }
    if (now - _last_cleaning_ms >= storage::property_int(broker, "log.cleaner.backoff.ms", 15'000)) {
        _last_cleaning_ms = now;
        for (auto& [tp, p] : _partitions) {
            if (!p.settings.compact) continue;
            storage::log_cleaner cleaner(p.settings.compaction);
            // Aborted transactional records go (and never shadow committed ones); nothing at
            // or after the last stable offset is cleaned: those transactions may still abort.
            auto transactions = storage::log_transaction_policy::load(*p.log->log);
            if (!transactions) {
                log::error("compaction of {}: {}", tp.dir_name(), storage::to_string(transactions.error()));
                continue;
            }
            storage::compaction_pass pass;
            pass.first_dirty_offset = p.first_dirty;
            pass.now_ms = now;
            pass.uncleanable_from = p.log->log->last_stable_offset();
            pass.transactions = &*transactions;
            auto r = cleaner.clean(*p.log->log, pass);
            if (!r) {
                log::error("compaction of {}: {}", tp.dir_name(), storage::to_string(r.error()));
                continue;
            }
            p.first_dirty = r->first_dirty_offset;
            if (r->cleaned)
                log::info("compaction of {}: {} segment(s) rewritten, {} -> {} bytes", tp.dir_name(),
                          r->segments_rewritten, r->bytes_before, r->bytes_after);
        }
    }
}

storage::storage_errc shard_partitions::shutdown() {
    if (!_logs) return storage::storage_errc::none;
    if (_txns) _txns->shutdown();
    if (_groups) _groups->shutdown();
    return _logs->shutdown();
}

} // namespace sluice::server
