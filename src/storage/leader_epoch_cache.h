#pragma once
// leader_epoch_cache: for each leader epoch of a partition, the first offset written in it
// (Kafka's LeaderEpochFileCache), persisted in the partition's leader-epoch-checkpoint
// (docs/formats/segment.md) on every change. Answers OffsetForLeaderEpoch (KIP-101, KIP-279).
// Owned by its log; one shard.
#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "storage/file_system.h"

namespace sluice::storage {

struct epoch_entry {
    model::leader_epoch epoch;
    model::offset start_offset;
    bool operator==(const epoch_entry&) const = default;
};

// OffsetForLeaderEpoch's answer: {no_leader_epoch, no_offset} when the epoch is unknown.
struct epoch_end_offset {
    model::leader_epoch epoch;
    model::offset end_offset;
    bool operator==(const epoch_end_offset&) const = default;
};

class leader_epoch_cache {
public:
    // Loads the checkpoint of `dir` (none: empty; corrupt: an error, the broker must decide).
    static result<leader_epoch_cache> load(file_system& fs, std::string dir);

    const std::vector<epoch_entry>& entries() const noexcept { return _entries; }
    model::leader_epoch latest_epoch() const noexcept {
        return _entries.empty() ? model::no_leader_epoch : _entries.back().epoch;
    }

    // Records that `epoch` starts at `start_offset`. Entries with an epoch >= it or a start
    // offset >= it conflict with it and are removed (Kafka's assign).
    storage_errc assign(model::leader_epoch epoch, model::offset start_offset);
    // After the log is truncated to `end_offset`: entries starting at or after it go.
    storage_errc truncate_from_end(model::offset end_offset);
    // After the log start moved to `start_offset`: entries ending before it go, and the
    // one holding it starts at it.
    storage_errc truncate_from_start(model::offset start_offset);
    // The largest epoch <= `requested` and the start offset of the next epoch; for the
    // latest epoch, the log end offset (Kafka's endOffsetFor).
    epoch_end_offset end_offset_for(model::leader_epoch requested, model::offset log_end_offset) const;

private:
    leader_epoch_cache(file_system& fs, std::string dir) : _fs(&fs), _dir(std::move(dir)) {}
    storage_errc persist();

    file_system* _fs;
    std::string _dir;
    std::vector<epoch_entry> _entries; // both columns strictly increasing
};

} // namespace sluice::storage
