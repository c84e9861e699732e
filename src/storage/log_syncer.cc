#include "storage/log_syncer.h"

namespace sluice::storage {

log_syncer::log_syncer(log& l, flush_service& service, flush_service::post_function post,
                       const flush_settings& settings, const clock& clock)
    : _log(l), _service(service), _handle(service.register_log(std::move(post), l.recovery_point())),
      _settings(settings), _clock(clock), _requested(l.recovery_point()), _last_sync_ms(clock.now_ms()),
      _alive(std::make_shared<log_syncer*>(this)) {}

log_syncer::~log_syncer() {
    _alive.reset();
    auto waiters = std::move(_waiters);
    for (auto& [up_to, done] : waiters) done(storage_errc::failed);
}

void log_syncer::appended() {
    if (_log.log_end_offset().value() - _requested.value() >= _settings.flush_messages) request_sync();
}

void log_syncer::tick() {
    if (_log.log_end_offset() > _requested && _clock.now_ms() - _last_sync_ms >= _settings.flush_ms) request_sync();
}

void log_syncer::wait_durable(model::offset up_to, flush_service::completion done) {
    if (up_to <= _log.recovery_point()) {
        done(storage_errc::none);
        return;
    }
    _waiters.emplace(up_to.value(), std::move(done));
    if (up_to > _requested) request_sync();
}

void log_syncer::request_sync() {
    if (_log.log_end_offset() <= _requested) return;
    sync_plan plan = _log.prepare_sync();
    _requested = plan.point.up_to;
    _last_sync_ms = _clock.now_ms();
    sync_point point = plan.point;
    std::weak_ptr<log_syncer*> alive = _alive;
    _service.enqueue(_handle, std::move(plan), [alive, point](storage_errc error) {
        if (auto self = alive.lock()) (*self)->synced(point, error);
    });
}

void log_syncer::synced(const sync_point& point, storage_errc error) {
    if (error != storage_errc::none) {
        _log.mark_sync_failed(point);
        // Kafka takes the log directory offline on a failed fsync; here the waiters this sync
        // covered fail (KAFKA_STORAGE_ERROR) and a later request retries.
        _requested = std::min(_requested, _log.recovery_point());
        auto end = _waiters.upper_bound(point.up_to.value());
        std::vector<flush_service::completion> failed;
        for (auto it = _waiters.begin(); it != end; ++it) failed.push_back(std::move(it->second));
        _waiters.erase(_waiters.begin(), end);
        for (auto& done : failed) done(error);
        return;
    }
    _log.mark_synced(point);
    // A truncation since the plan was made left the recovery point behind: what was requested
    // is not durable, so the waiters below need a new request.
    if (_log.recovery_point() < point.up_to) _requested = std::min(_requested, _log.recovery_point());
    complete_durable_waiters();
    if (!_waiters.empty() && _waiters.rbegin()->first > _requested.value()) request_sync();
}

void log_syncer::flushed() {
    _requested = std::max(_requested, _log.recovery_point());
    complete_durable_waiters();
}

void log_syncer::complete_durable_waiters() {
    auto end = _waiters.upper_bound(_log.recovery_point().value());
    std::vector<flush_service::completion> ready;
    for (auto it = _waiters.begin(); it != end; ++it) ready.push_back(std::move(it->second));
    _waiters.erase(_waiters.begin(), end);
    for (auto& done : ready) done(storage_errc::none);
}

} // namespace sluice::storage
