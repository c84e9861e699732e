#include "storage/txn_index.h"

#include <algorithm>

#include "base/assert.h"
#include "base/endian.h"

namespace sluice::storage {

void aborted_txn::encode(uint8_t* out) const noexcept {
    be::store<int16_t>(out, segment_format::txn_index_version);
    be::store<int64_t>(out + 2, producer_id.value());
    be::store<int64_t>(out + 10, first_offset.value());
    be::store<int64_t>(out + 18, last_offset.value());
    be::store<int64_t>(out + 26, last_stable_offset.value());
}

std::optional<aborted_txn> aborted_txn::decode(const uint8_t* in) noexcept {
    if (be::load<int16_t>(in) != segment_format::txn_index_version) return std::nullopt;
    return aborted_txn{model::producer_id(be::load<int64_t>(in + 2)), model::offset(be::load<int64_t>(in + 10)),
                       model::offset(be::load<int64_t>(in + 18)), model::offset(be::load<int64_t>(in + 26))};
}

storage_errc txn_index::append(const aborted_txn& txn) {
    SLUICE_ASSERT(txn.first_offset <= txn.last_offset, "an aborted transaction ends after it starts");
    SLUICE_ASSERT(!_last_offset || *_last_offset < txn.last_offset, "txn index last offsets must increase");
    uint8_t entry[aborted_txn::bytes];
    txn.encode(entry);
    if (storage_errc e = _file->append(byte_view(entry, sizeof entry)); e != storage_errc::none) {
        _size.reset(); // a short write: look again
        return e;
    }
    _last_offset = txn.last_offset;
    if (_size) *_size += aborted_txn::bytes;
    _dirty = true;
    return storage_errc::none;
}

result<bool> txn_index::has_entries() {
    if (!_size) {
        result<uint64_t> size = _file->size();
        if (!size) return size.error();
        _size = *size;
    }
    return *_size >= aborted_txn::bytes;
}

result<std::optional<model::offset>> txn_index::last_offset() {
    if (_last_offset) return _last_offset;
    auto entries = read_all();
    if (!entries) return entries.error();
    if (entries->empty()) return std::optional<model::offset>();
    _last_offset = entries->back().last_offset;
    return _last_offset;
}

storage_errc txn_index::sync() {
    if (!_dirty) return storage_errc::none;
    if (storage_errc e = _file->fdatasync(); e != storage_errc::none) return e;
    _dirty = false;
    return storage_errc::none;
}

result<std::vector<aborted_txn>> txn_index::read_all() {
    result<uint64_t> size = _file->size();
    if (!size) return size.error();
    _size = *size;
    if (*size % aborted_txn::bytes != 0) return storage_errc::corrupt;
    byte_buffer bytes(*size);
    result<size_t> n = _file->read_at(0, bytes);
    if (!n) return n.error();
    if (*n != bytes.size()) return storage_errc::corrupt;
    std::vector<aborted_txn> entries;
    for (size_t at = 0; at < bytes.size(); at += aborted_txn::bytes) {
        std::optional<aborted_txn> txn = aborted_txn::decode(bytes.data() + at);
        if (!txn) return storage_errc::corrupt;
        entries.push_back(*txn);
    }
    return entries;
}

result<std::vector<aborted_txn>> txn_index::collect(model::offset from, model::offset to) {
    auto entries = read_all();
    if (!entries) return entries.error();
    std::erase_if(*entries, [&](const aborted_txn& t) { return t.last_offset < from || t.first_offset >= to; });
    return entries;
}

storage_errc txn_index::truncate_to(model::offset offset) {
    auto entries = read_all();
    if (!entries) return entries.error();
    auto keep = std::find_if(entries->begin(), entries->end(), [&](const aborted_txn& t) { return t.last_offset >= offset; });
    if (keep == entries->end()) return storage_errc::none;
    if (storage_errc e = _file->truncate(static_cast<uint64_t>(keep - entries->begin()) * aborted_txn::bytes);
        e != storage_errc::none)
        return e;
    _size = static_cast<uint64_t>(keep - entries->begin()) * aborted_txn::bytes;
    _dirty = true;
    _last_offset = keep == entries->begin() ? std::nullopt : std::optional((keep - 1)->last_offset);
    return storage_errc::none;
}

} // namespace sluice::storage
