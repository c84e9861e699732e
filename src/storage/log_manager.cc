#include "storage/log_manager.h"

#include <sys/resource.h>

#include <charconv>

#include "base/uuid.h"
#include "storage/checkpoint_file.h"

namespace sluice::storage {

namespace {

constexpr std::string_view recovery_point_checkpoint = "recovery-point-offset-checkpoint";
constexpr std::string_view log_start_offset_checkpoint = "log-start-offset-checkpoint";
constexpr std::string_view delete_suffix = "-delete";

// Half the descriptor limit at most: the rest is for connections and everything else.
size_t open_files_cap(size_t configured) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        return std::max<size_t>(16, std::min<size_t>(configured, limit.rlim_cur / 2));
    return configured;
}

// The offsets of checkpoint `name` and of every "<name>.<suffix>" (one per manager sharing the
// directory), the highest per partition.
std::map<topic_partition, model::offset> read_offsets(file_system& fs, const std::string& dir, std::string_view name,
                                                      const std::vector<std::string>& names) {
    std::map<topic_partition, model::offset> out;
    for (const std::string& file : names) {
        if (file != name && !(file.starts_with(name) && file.size() > name.size() && file[name.size()] == '.' &&
                              !file.ends_with(".tmp")))
            continue;
        // Absent or corrupt: those logs are recovered from offset 0 (slower, never wrong).
        auto entries = read_offset_checkpoint(fs, dir, file);
        if (!entries) continue;
        for (const partition_offset& e : *entries) {
            auto [it, added] = out.try_emplace({e.topic, e.partition}, e.offset);
            if (!added && e.offset > it->second) it->second = e.offset;
        }
    }
    return out;
}

std::string unique_hex() {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : uuid::random().bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

} // namespace

std::optional<topic_partition> topic_partition::parse(std::string_view name) {
    size_t dash = name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
    int32_t partition = 0;
    const char* end = name.data() + name.size();
    auto [ptr, ec] = std::from_chars(name.data() + dash + 1, end, partition);
    if (ec != std::errc() || ptr != end || partition < 0) return std::nullopt;
    return topic_partition{std::string(name.substr(0, dash)), model::partition_id(partition)};
}

log_manager::log_manager(file_system& fs, const clock& clock, const log_dir_config& config,
                         log_manager_options options)
    : _inner(fs), _files(fs, open_files_cap(config.max_open_files)), _clock(clock), _config(config),
      _options(std::move(options)), _flusher(std::make_unique<flush_service>(_files)),
      _last_recovery_checkpoint_ms(clock.now_ms()), _last_start_offset_checkpoint_ms(clock.now_ms()) {}

log_manager::~log_manager() {
    _flusher->stop();
    // Syncers before logs, logs before the file system (members are destroyed after this).
    for (auto& [tp, p] : _logs) p.syncer.reset();
    _logs.clear();
    _flusher.reset();
}

result<std::unique_ptr<log_manager>> log_manager::open(file_system& fs, const clock& clock, const log_dir_config& config,
                                                       log_manager_options options) {
    std::unique_ptr<log_manager> m(new log_manager(fs, clock, config, std::move(options)));
    if (storage_errc e = m->load(); e != storage_errc::none) return e;
    if (m->_options.flush_thread) m->_flusher->start();
    return m;
}

storage_errc log_manager::load() {
    const std::string& dir = _config.dir;
    if (storage_errc e = _files.mkdir(dir); e != storage_errc::none) return e;
    _report.clean_shutdown =
        _options.shared_directory ? _options.clean_shutdown : has_clean_shutdown_marker(_files, dir);
    auto names = _files.list_dir(dir);
    if (!names) return names.error();
    auto recovery_points = read_offsets(_files, dir, recovery_point_checkpoint, *names);
    auto start_offsets = read_offsets(_files, dir, log_start_offset_checkpoint, *names);
    for (const std::string& name : *names) {
        if (name.ends_with(delete_suffix)) {
            if (_options.shared_directory) continue;
            if (storage_errc e = remove_directory(join_path(dir, name)); e != storage_errc::none) return e;
            ++_report.deleted_directories;
            continue;
        }
        std::optional<topic_partition> tp = topic_partition::parse(name);
        if (!tp || (_options.owns && !_options.owns(*tp))) continue;
        log_settings settings = _options.settings_for ? _options.settings_for(tp->topic) : _config.defaults;
        log_open_options open_options{.clean_shutdown = _report.clean_shutdown};
        if (auto it = recovery_points.find(*tp); it != recovery_points.end()) open_options.recovery_point = it->second;
        if (auto it = start_offsets.find(*tp); it != start_offsets.end()) open_options.log_start_offset = it->second;
        auto opened = open_log(*tp, settings, open_options);
        if (!opened) return opened.error();
        const log_recovery_report& r = (*opened)->log->recovery_report();
        _report.segments_scanned += static_cast<size_t>(r.segments_scanned);
        _report.bytes_truncated += r.bytes_truncated;
    }
    _report.logs = _logs.size();
    // Appends may follow: a crash from now on must not look clean.
    if (_report.clean_shutdown && !_options.shared_directory)
        if (storage_errc e = remove_clean_shutdown_marker(_files, dir); e != storage_errc::none) return e;
    return storage_errc::none;
}

result<partition_log*> log_manager::open_log(const topic_partition& tp, const log_settings& settings,
                                             const log_open_options& open_options) {
    log_config config = settings.log;
    // Spread time-based rolls of a topic's partitions (segment.jitter.ms).
    config.jitter_seed = std::hash<std::string>{}(tp.dir_name());
    auto opened = log::open(_files, join_path(_config.dir, tp.dir_name()), config, _clock, open_options);
    if (!opened) return opened.error();
    partition_log& p = _logs[tp];
    p.log = std::move(*opened);
    p.settings = settings;
    p.syncer = std::make_unique<log_syncer>(*p.log, *_flusher, _options.post, settings.flush, _clock);
    return &p;
}

result<partition_log*> log_manager::create(const topic_partition& tp, const log_settings& settings) {
    if (partition_log* p = find(tp)) return p;
    // A new directory entry in the log directory: durable before the log is used.
    auto p = open_log(tp, settings, {});
    if (!p) return p.error();
    if (storage_errc e = _files.sync_dir(_config.dir); e != storage_errc::none) return e;
    return p;
}

partition_log* log_manager::find(const topic_partition& tp) {
    auto it = _logs.find(tp);
    return it == _logs.end() ? nullptr : &it->second;
}

storage_errc log_manager::remove(const topic_partition& tp) {
    auto it = _logs.find(tp);
    if (it == _logs.end()) return storage_errc::not_found;
    it->second.syncer.reset(); // acks=all waiters fail
    it->second.log.reset();
    _logs.erase(it);
    std::string from = join_path(_config.dir, tp.dir_name());
    std::string to = from + "." + unique_hex() + std::string(delete_suffix);
    if (storage_errc e = _files.rename(from, to); e != storage_errc::none) return e;
    if (storage_errc e = _files.sync_dir(_config.dir); e != storage_errc::none) return e;
    return remove_directory(to);
}

storage_errc log_manager::remove_directory(const std::string& dir) {
    auto names = _files.list_dir(dir);
    if (!names) return names.error();
    for (const std::string& name : *names)
        if (storage_errc e = _files.remove(join_path(dir, name)); e != storage_errc::none) return e;
    return _files.remove(dir);
}

storage_errc log_manager::write_checkpoints() {
    std::vector<partition_offset> recovery, start;
    recovery.reserve(_logs.size());
    start.reserve(_logs.size());
    for (const auto& [tp, p] : _logs) {
        recovery.push_back({tp.topic, tp.partition, p.log->recovery_point()});
        start.push_back({tp.topic, tp.partition, p.log->log_start_offset()});
    }
    const std::string recovery_name = std::string(recovery_point_checkpoint) + _options.checkpoint_suffix;
    const std::string start_name = std::string(log_start_offset_checkpoint) + _options.checkpoint_suffix;
    if (storage_errc e = write_offset_checkpoint(_files, _config.dir, recovery_name, recovery);
        e != storage_errc::none)
        return e;
    _last_recovery_checkpoint_ms = _clock.now_ms();
    if (storage_errc e = write_offset_checkpoint(_files, _config.dir, start_name, start);
        e != storage_errc::none)
        return e;
    _last_start_offset_checkpoint_ms = _clock.now_ms();
    return storage_errc::none;
}

storage_errc log_manager::tick() {
    for (auto& [tp, p] : _logs) p.syncer->tick();
    int64_t now = _clock.now_ms();
    if (now - _last_recovery_checkpoint_ms >= _config.recovery_point_checkpoint_interval_ms ||
        now - _last_start_offset_checkpoint_ms >= _config.log_start_offset_checkpoint_interval_ms)
        return write_checkpoints();
    return storage_errc::none;
}

storage_errc log_manager::shutdown() {
    _flusher->stop();
    for (auto& [tp, p] : _logs) {
        // An empty log has nothing to make durable: skipping it saves three fdatasyncs per
        // idle partition (300k at 100k partitions). Its files, if lost, are recreated at open.
        const storage::log& l = *p.log;
        if (l.segment_count() == 1 && l.segment_at(0).empty() && l.recovery_point() == l.log_end_offset()) continue;
        if (storage_errc e = p.log->close(); e != storage_errc::none) return e;
    }
    // Waiters the close made durable succeed; none is left waiting.
    for (auto& [tp, p] : _logs) p.syncer->flushed();
    if (storage_errc e = write_checkpoints(); e != storage_errc::none) return e;
    if (_options.shared_directory) return storage_errc::none; // the caller writes the marker
    if (storage_errc e = write_clean_shutdown_marker(_files, _config.dir); e != storage_errc::none) return e;
    return _files.sync_dir(_config.dir);
}

} // namespace sluice::storage
