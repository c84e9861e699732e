#include "raft/tests/recording_state_machine.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "base/endian.h"

namespace sluice::raft::test {
namespace {

// libraft's TCP transport writes to sockets: a peer that went away must be an error, not a
// process-killing signal (the broker ignores SIGPIPE at start-up the same way).
[[maybe_unused]] const bool sigpipe_ignored = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
}();

} // namespace

// Snapshot: u64 count, then per entry u64 index, u32 length, bytes (big-endian).
void recording_state_machine::apply(uint64_t index, byte_view entry) {
    std::lock_guard lock(_mutex);
    _entries.push_back({index, byte_buffer(entry.begin(), entry.end())});
}

byte_buffer recording_state_machine::snapshot() {
    std::lock_guard lock(_mutex);
    ++_snapshots;
    byte_buffer out(8);
    be::store<uint64_t>(out.data(), _entries.size());
    for (const recorded_entry& e : _entries) {
        size_t at = out.size();
        out.resize(at + 12 + e.bytes.size());
        be::store<uint64_t>(out.data() + at, e.index);
        be::store<uint32_t>(out.data() + at + 8, static_cast<uint32_t>(e.bytes.size()));
        std::copy(e.bytes.begin(), e.bytes.end(), out.begin() + static_cast<ptrdiff_t>(at + 12));
    }
    return out;
}

void recording_state_machine::restore(byte_view snapshot) {
    std::vector<recorded_entry> entries;
    if (snapshot.size() < 8) throw std::invalid_argument("snapshot shorter than its header");
    uint64_t count = be::load<uint64_t>(snapshot.data());
    size_t at = 8;
    for (uint64_t i = 0; i < count; ++i) {
        if (snapshot.size() - at < 12) throw std::invalid_argument("snapshot entry header truncated");
        uint64_t index = be::load<uint64_t>(snapshot.data() + at);
        uint32_t length = be::load<uint32_t>(snapshot.data() + at + 8);
        at += 12;
        if (snapshot.size() - at < length) throw std::invalid_argument("snapshot entry truncated");
        entries.push_back({index, byte_buffer(snapshot.begin() + static_cast<ptrdiff_t>(at),
                                              snapshot.begin() + static_cast<ptrdiff_t>(at + length))});
        at += length;
    }
    if (at != snapshot.size()) throw std::invalid_argument("bytes after the last snapshot entry");
    std::lock_guard lock(_mutex);
    _entries = std::move(entries);
    ++_restores;
}

std::vector<recorded_entry> recording_state_machine::entries() const {
    std::lock_guard lock(_mutex);
    return _entries;
}

size_t recording_state_machine::snapshots_taken() const {
    std::lock_guard lock(_mutex);
    return _snapshots;
}

size_t recording_state_machine::restores() const {
    std::lock_guard lock(_mutex);
    return _restores;
}

temp_dir::temp_dir(const std::string& name)
    : _path(std::filesystem::temp_directory_path() / ("sluice_raft_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(_path);
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(_path, ec);
}

} // namespace sluice::raft::test
