#pragma once
// Kafka's text checkpoint files (docs/formats/segment.md): a version line "0", a count line,
// then one entry per line with space-separated fields. Written to <name>.tmp, synced,
// renamed over <name> and the directory synced, so a reader sees the old file or the new
// one. Used for recovery-point-offset-checkpoint, log-start-offset-checkpoint (entries
// "topic partition offset") and leader-epoch-checkpoint ("epoch start_offset").
#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "storage/file_system.h"

namespace sluice::storage {

using checkpoint_line = std::vector<std::string>;

// Replaces dir/name with `bytes` atomically: written to <name>.tmp, synced, renamed over
// <name>, the directory synced. A reader sees the old file or the new one.
storage_errc replace_file(file_system& fs, const std::string& dir, std::string_view name, byte_view bytes);

storage_errc write_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                              const std::vector<checkpoint_line>& lines);
// The lines, each split into exactly `fields` fields; not_found when the file is absent,
// corrupt when the version, the count or any line is wrong.
result<std::vector<checkpoint_line>> read_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                                                     size_t fields);

// recovery-point-offset-checkpoint and log-start-offset-checkpoint entries.
struct partition_offset {
    std::string topic;
    model::partition_id partition;
    model::offset offset;
    bool operator==(const partition_offset&) const = default;
};

storage_errc write_offset_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                                     const std::vector<partition_offset>& entries);
result<std::vector<partition_offset>> read_offset_checkpoint(file_system& fs, const std::string& dir,
                                                             std::string_view name);

// The clean-shutdown marker of a log directory.
bool has_clean_shutdown_marker(file_system& fs, const std::string& log_dir);
storage_errc write_clean_shutdown_marker(file_system& fs, const std::string& log_dir);
storage_errc remove_clean_shutdown_marker(file_system& fs, const std::string& log_dir);

// Parses a whole decimal int64 field ("-1" allowed); nullopt for anything else.
std::optional<int64_t> parse_int64(std::string_view text) noexcept;

} // namespace sluice::storage
