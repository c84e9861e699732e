#pragma once
// log_manager: one log directory (Kafka's LogManager for one entry of log.dirs). It creates
// the directory, opens every <topic>-<partition> log in it with the directory's checkpoints,
// owns the directory's flush service (group commit) and the LRU of open segment files,
// creates and deletes partitions, and writes recovery-point-offset-checkpoint and
// log-start-offset-checkpoint periodically and at clean shutdown, with the clean-shutdown
// marker last (docs/formats/segment.md).
//
// Start: the marker present means every log was closed cleanly: no segment is scanned (only
// the active segment's batches after its last index entry are read, as Kafka does). The
// marker is removed once every log is open, before any append. Without it, each log is
// recovered from its checkpointed recovery point (from offset 0 when it has none).
//
// Threads: one owner thread (the shard owning the directory's partitions) calls everything;
// the flush service runs on its own thread and posts completions through `post`, which must
// run them on the owner thread. Partition deletion is synchronous on the owner thread
// (rename, then remove the files), like the checkpoints; both are rare and small.
//
// Lifetime: the file system and clock outlive it. Completions the flush service posted hold
// file handles of this manager's LRU: the owner runs (or drops) them before destroying it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "storage/clock.h"
#include "storage/flush_service.h"
#include "storage/log.h"
#include "storage/log_settings.h"
#include "storage/log_syncer.h"
#include "storage/lru_file_system.h"

namespace sluice::storage {

struct topic_partition {
    std::string topic;
    model::partition_id partition{0};
    auto operator<=>(const topic_partition&) const = default;

    std::string dir_name() const { return topic + "-" + std::to_string(partition.value()); }
    // "<topic>-<partition>", nullopt for any other name (checkpoints, "-delete" directories).
    static std::optional<topic_partition> parse(std::string_view dir_name);
};

// One partition's log with its group-commit side.
struct partition_log {
    std::unique_ptr<storage::log> log;
    std::unique_ptr<log_syncer> syncer;
    log_settings settings;
};

struct log_manager_load_report {
    bool clean_shutdown = false;
    size_t logs = 0;
    size_t segments_scanned = 0;
    uint64_t bytes_truncated = 0;
    size_t deleted_directories = 0; // "-delete" leftovers of a deletion interrupted by a crash
};

struct log_manager_options {
    flush_service::post_function post;
    // The settings of a topic's logs at load; the directory's defaults when empty.
    std::function<log_settings(const std::string& topic)> settings_for;
    // Start the flush service's thread (tests of memory_file_system drive rounds instead).
    bool flush_thread = true;

    // Several managers over one directory (one per shard, DESIGN.md §2), each owning some of
    // its partitions:
    // - `owns`: the partitions this manager loads (null: all);
    // - `checkpoint_suffix`: appended to its checkpoint file names ("" for Kafka's names);
    //   at load every manager reads the files of all suffixes and takes the highest offset
    //   per partition, so partitions may move between managers across restarts;
    // - `shared_directory`: the clean-shutdown marker and "-delete" leftovers belong to the
    //   caller (clean_shutdown says whether the marker was there; shutdown() writes none).
    std::function<bool(const topic_partition&)> owns;
    std::string checkpoint_suffix;
    bool shared_directory = false;
    bool clean_shutdown = false;
};

class log_manager {
public:
    static result<std::unique_ptr<log_manager>> open(file_system& fs, const clock& clock, const log_dir_config& config,
                                                     log_manager_options options);
    // No I/O: a log manager destroyed without shutdown() is a crash (no marker).
    ~log_manager();
    log_manager(const log_manager&) = delete;
    log_manager& operator=(const log_manager&) = delete;

    // The partition's log, created empty when absent (an existing one keeps its settings).
    result<partition_log*> create(const topic_partition& tp, const log_settings& settings);
    partition_log* find(const topic_partition& tp);
    // Kafka's deletion: the directory is renamed to <topic>-<partition>.<uuid>-delete (so a
    // crash never leaves a half-deleted log that loads), then its files are removed.
    storage_errc remove(const topic_partition& tp);

    // flush.ms of every log, and the checkpoints when their interval passed.
    storage_errc tick();
    storage_errc write_checkpoints();
    // Clean shutdown: every log flushed and closed, checkpoints, then the marker. Afterwards
    // only the destructor may be called.
    storage_errc shutdown();

    const log_manager_load_report& load_report() const noexcept { return _report; }
    size_t size() const noexcept { return _logs.size(); }
    const std::map<topic_partition, partition_log>& logs() const noexcept { return _logs; }
    flush_service& flusher() noexcept { return *_flusher; }
    lru_file_system& files() noexcept { return _files; }
    const log_dir_config& config() const noexcept { return _config; }

private:
    log_manager(file_system& fs, const clock& clock, const log_dir_config& config, log_manager_options options);

    storage_errc load();
    storage_errc remove_directory(const std::string& dir);
    result<partition_log*> open_log(const topic_partition& tp, const log_settings& settings,
                                    const log_open_options& open_options);

    file_system& _inner;
    lru_file_system _files;
    const clock& _clock;
    log_dir_config _config;
    log_manager_options _options;
    std::unique_ptr<flush_service> _flusher;
    std::map<topic_partition, partition_log> _logs;
    int64_t _last_recovery_checkpoint_ms;
    int64_t _last_start_offset_checkpoint_ms;
    log_manager_load_report _report;
};

} // namespace sluice::storage
