#pragma once
// log_syncer: one log's side of group commit, on the log's owner thread. It decides when the
// log needs a sync (Kafka's flush.messages and flush.ms, and every acks=all produce), hands
// the flush service a sync_plan, and applies the result: the recovery point advances only
// after the sync (log::mark_synced), then the waiters whose offsets are now durable run.
//
// Owner thread only, like the log. The log and the service outlive it. Completions posted
// after it is destroyed are dropped; waiters still pending then get storage_errc::failed.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>

#include "storage/clock.h"
#include "storage/flush_service.h"
#include "storage/log.h"

namespace sluice::storage {

// Per-topic forced flushes (Kafka's defaults: never). acks=all waits for a sync regardless.
struct flush_settings {
    int64_t flush_messages = std::numeric_limits<int64_t>::max(); // flush.messages
    int64_t flush_ms = std::numeric_limits<int64_t>::max();       // flush.ms
};

class log_syncer {
public:
    log_syncer(log& l, flush_service& service, flush_service::post_function post, const flush_settings& settings,
               const clock& clock);
    ~log_syncer();
    log_syncer(const log_syncer&) = delete;
    log_syncer& operator=(const log_syncer&) = delete;

    // After each append: a sync once flush.messages offsets are not yet requested.
    void appended();
    // Periodically (log.flush.scheduler.interval.ms): a sync once flush.ms passed since the
    // last one and something is unsynced.
    void tick();
    // acks=all: `done` runs (on this thread) once every offset below `up_to` is durable, or
    // with the error of the sync that failed.
    void wait_durable(model::offset up_to, flush_service::completion done);
    // A sync of everything appended so far, unless one already requested covers it.
    void request_sync();
    // The owner flushed the log itself (log::flush or close): the waiters it covered succeed.
    void flushed();

    // flush.messages / flush.ms changed (a topic config change); applies from the next append or tick.
    void reconfigure(const flush_settings& settings) { _settings = settings; }

    // Every offset below it is on disk (as this thread has been told).
    model::offset durable_offset() const noexcept { return _log.recovery_point(); }
    size_t waiting() const noexcept { return _waiters.size(); }
    const flush_service::log_handle& handle() const noexcept { return _handle; }

private:
    void synced(const sync_point& point, storage_errc error);
    void complete_durable_waiters();

    log& _log;
    flush_service& _service;
    flush_service::log_handle _handle;
    flush_settings _settings;
    const clock& _clock;
    model::offset _requested{0};   // the highest up_to handed to the service
    int64_t _last_sync_ms;
    std::multimap<int64_t, flush_service::completion> _waiters; // by up_to
    std::shared_ptr<log_syncer*> _alive;                        // posted completions check it
};

} // namespace sluice::storage
