#include "protocol/record_batch.h"

#include <array>

#include "base/assert.h"
#include "base/crc32c.h"

namespace sluice::protocol {

namespace {

constexpr std::array<uint8_t, batch_format::header_bytes> zero_header{};

} // namespace

record_batch_view::record_batch_view() noexcept : _bytes(zero_header) {}

record_batch_view::record_batch_view(byte_view bytes) noexcept : _bytes(bytes) {
    SLUICE_ASSERT(bytes.size() >= batch_format::header_bytes, "record batch view shorter than a header");
}

uint32_t record_batch_view::compute_crc() const noexcept {
    return crc32c(_bytes.subspan(batch_format::attributes_at));
}

batch_parse_result parse_batch(byte_view input) noexcept {
    // The magic byte sits at the same offset in every message format, so it is read before
    // anything whose meaning depends on it.
    if (input.size() < batch_format::bytes_to_magic) return {batch_error::truncated, {}};
    int8_t magic = be::load<int8_t>(input.data() + batch_format::magic_at);
    if (magic == 0 || magic == 1) return {batch_error::old_magic, {}};
    if (magic != batch_format::magic_v2) return {batch_error::bad_magic, {}};
    if (input.size() < batch_format::header_bytes) return {batch_error::truncated, {}};
    int32_t length = be::load<int32_t>(input.data() + batch_format::batch_length_at);
    if (length < batch_format::batch_length_min) return {batch_error::bad_length, {}};
    size_t total = batch_format::log_overhead_bytes + static_cast<size_t>(length);
    if (total > input.size()) return {batch_error::truncated, {}};
    return {batch_error::none, record_batch_view(input.first(total))};
}

split_result split_batches(byte_view input, std::vector<record_batch_view>& out) {
    size_t pos = 0;
    while (pos < input.size()) {
        batch_parse_result r = parse_batch(input.subspan(pos));
        if (r.error != batch_error::none) return {r.error, pos};
        out.push_back(r.batch);
        pos += r.batch.size_bytes();
    }
    return {batch_error::none, pos};
}

mutable_record_batch::mutable_record_batch(std::span<uint8_t> bytes) noexcept : _bytes(bytes) {
    SLUICE_ASSERT(bytes.size() >= batch_format::header_bytes, "mutable record batch shorter than a header");
}

void mutable_record_batch::set_base_offset(model::offset offset) noexcept {
    be::store<int64_t>(_bytes.data() + batch_format::base_offset_at, offset.value());
}

void mutable_record_batch::set_partition_leader_epoch(model::leader_epoch epoch) noexcept {
    be::store<int32_t>(_bytes.data() + batch_format::partition_leader_epoch_at, epoch.value());
}

void mutable_record_batch::set_max_timestamp(timestamp_type type, int64_t timestamp_ms) noexcept {
    record_batch_view v = view();
    if (v.max_timestamp() == timestamp_ms && v.ts_type() == type) return;
    auto attributes = static_cast<int16_t>(v.attributes() & ~batch_format::timestamp_type_bit);
    if (type == timestamp_type::log_append_time) attributes |= batch_format::timestamp_type_bit;
    be::store<int16_t>(_bytes.data() + batch_format::attributes_at, attributes);
    be::store<int64_t>(_bytes.data() + batch_format::max_timestamp_at, timestamp_ms);
    be::store<uint32_t>(_bytes.data() + batch_format::crc_at, view().compute_crc());
}

} // namespace sluice::protocol
