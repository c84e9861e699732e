#include "storage/producer_state.h"

#include <algorithm>
#include <limits>

#include "protocol/batch_validator.h"
#include "protocol/control_record.h"
#include "protocol/record_reader.h"

namespace sluice::storage {

namespace {

constexpr int32_t sequence_max = std::numeric_limits<int32_t>::max();

// Kafka's ProducerAppendInfo.inSequence: the next sequence after `last`, wrapping to 0.
bool in_sequence(int32_t last, int32_t next) noexcept {
    return int64_t{next} == int64_t{last} + 1 || (next == 0 && last == sequence_max);
}

} // namespace

int32_t increment_sequence(int32_t sequence, int32_t increment) noexcept {
    if (sequence > sequence_max - increment) return increment - (sequence_max - sequence) - 1;
    return sequence + increment;
}

int32_t decrement_sequence(int32_t sequence, int32_t decrement) noexcept {
    if (sequence < decrement) return sequence_max - (decrement - sequence) + 1;
    return sequence - decrement;
}

producer_batch producer_batch::of(const protocol::record_batch_view& batch) noexcept {
    return {
        .producer_id = batch.producer_id(),
        .epoch = batch.producer_epoch(),
        .base_sequence = batch.base_sequence(),
        .last_sequence = increment_sequence(batch.base_sequence(), batch.last_offset_delta()),
        .is_transactional = batch.is_transactional(),
    };
}

const producer_entry* producer_state::find(model::producer_id id) const {
    auto it = _producers.find(id.value());
    return it == _producers.end() ? nullptr : &it->second;
}

producer_check producer_state::check(const producer_batch& batch) const {
    if (batch.producer_id == model::no_producer_id) return {};
    const producer_entry* entry = find(batch.producer_id);
    // No entry (never seen, or expired): since KIP-360 (Kafka 2.5) any sequence is accepted and
    // UNKNOWN_PRODUCER_ID is no longer answered to Produce; the producer's state starts here.
    if (entry == nullptr || entry->epoch == model::no_producer_epoch) return {};

    // Kafka checks for a duplicate first (UnifiedLog.analyzeAndValidateProducerState), and only
    // within the current epoch (ProducerStateEntry.findDuplicateBatch).
    if (batch.epoch == entry->epoch) {
        for (const producer_batch_metadata& kept : entry->batches) {
            if (kept.first_sequence == batch.base_sequence && kept.last_sequence == batch.last_sequence)
                return {producer_check_errc::duplicate, kept.first_offset(), kept.last_offset, kept.timestamp_ms};
        }
    }
    // KIP-98: a fenced (older) epoch. Since Kafka 2.7 (KIP-588) Produce answers
    // INVALID_PRODUCER_EPOCH rather than PRODUCER_FENCED (ProducerAppendInfo.checkProducerEpoch).
    if (batch.epoch.value() < entry->epoch.value()) return {producer_check_errc::invalid_producer_epoch};

    if (batch.epoch != entry->epoch) {
        // An epoch bump (KIP-360) restarts the sequence at 0.
        if (batch.base_sequence != 0) return {producer_check_errc::out_of_order_sequence};
    } else if (!in_sequence(entry->last_sequence(), batch.base_sequence)) {
        // Also a retry of a batch older than the 5 kept: Kafka 4.0 answers OUT_OF_ORDER, not
        // the DUPLICATE_SEQUENCE_NUMBER of 0.11-1.x. An entry without batches (last -1) expects 0.
        return {producer_check_errc::out_of_order_sequence};
    }
    if (entry->current_txn_first_offset && !batch.is_transactional) return {producer_check_errc::invalid_txn_state};
    return {};
}

void producer_state::update(const producer_batch& batch, model::offset first_offset, model::offset last_offset,
                            int64_t max_timestamp_ms) {
    SLUICE_ASSERT(last_offset.value() >= first_offset.value(), "producer batch offsets out of order");
    if (batch.producer_id != model::no_producer_id) apply(batch, first_offset, last_offset, max_timestamp_ms);
    _map_end_offset = model::offset(last_offset.value() + 1);
}

std::optional<txn_marker> read_txn_marker(const protocol::record_batch_view& batch) {
    if (!batch.is_control() || !batch.has_producer_id()) return std::nullopt;
    byte_buffer scratch;
    auto opened = protocol::open_records(batch, protocol::decompressed_batch_bytes_max_default, scratch);
    protocol::record_view record;
    if (opened.error != protocol::batch_error::none || !opened.reader.next(record)) return std::nullopt;
    protocol::control_key key;
    protocol::end_txn_marker value;
    if (!protocol::parse_control_key(record.key, key)) return std::nullopt;
    if (key.type != protocol::control_record_type::abort && key.type != protocol::control_record_type::commit)
        return std::nullopt;
    if (!protocol::parse_end_txn_marker(record.value, value)) return std::nullopt;
    return txn_marker{batch.producer_id(), batch.producer_epoch(), value.coordinator_epoch,
                      key.type == protocol::control_record_type::commit};
}

std::optional<completed_txn> producer_state::replay_batch(const protocol::record_batch_view& batch) {
    const model::offset first = batch.base_offset();
    const model::offset last(first.value() + batch.last_offset_delta());
    std::optional<completed_txn> completed;
    if (batch.is_control()) {
        if (std::optional<txn_marker> marker = read_txn_marker(batch))
            completed = complete_txn(*marker, first, batch.max_timestamp());
    } else if (batch.has_producer_id()) {
        apply(producer_batch::of(batch), first, last, batch.max_timestamp());
    }
    _map_end_offset = model::offset(last.value() + 1);
    return completed;
}

producer_check_errc producer_state::check_marker(const txn_marker& marker) const {
    const producer_entry* entry = find(marker.producer_id);
    if (entry == nullptr) return producer_check_errc::ok;
    if (marker.epoch.value() < entry->epoch.value()) return producer_check_errc::invalid_producer_epoch;
    if (marker.coordinator_epoch < entry->coordinator_epoch) return producer_check_errc::coordinator_fenced;
    return producer_check_errc::ok;
}

completed_txn producer_state::complete_txn(const txn_marker& marker, model::offset offset, int64_t timestamp_ms) {
    producer_entry& entry = _producers[marker.producer_id.value()];
    completed_txn out{marker.producer_id, entry.current_txn_first_offset.value_or(offset), offset, !marker.commit};
    if (entry.current_txn_first_offset) _ongoing.erase(entry.current_txn_first_offset->value());
    if (entry.epoch != marker.epoch) { // Kafka's maybeUpdateProducerEpoch
        entry.batches.clear();
        entry.epoch = marker.epoch;
    }
    entry.current_txn_first_offset.reset();
    entry.coordinator_epoch = marker.coordinator_epoch;
    entry.last_timestamp_ms = timestamp_ms;
    _map_end_offset = model::offset(offset.value() + 1);
    return out;
}

// Kafka's ProducerStateEntry.addBatch: a new epoch forgets the old epoch's batches.
void producer_state::apply(const producer_batch& batch, model::offset first_offset, model::offset last_offset,
                           int64_t max_timestamp_ms) {
    producer_entry& entry = _producers[batch.producer_id.value()];
    if (entry.epoch != batch.epoch) {
        entry.batches.clear();
        entry.epoch = batch.epoch;
    }
    if (entry.batches.size() == producer_batches_retained) entry.batches.erase(entry.batches.begin());
    const auto offset_delta = static_cast<int32_t>(last_offset.value() - first_offset.value());
    entry.batches.push_back({
        .first_sequence = decrement_sequence(batch.last_sequence, offset_delta),
        .last_sequence = batch.last_sequence,
        .last_offset = last_offset,
        .offset_delta = offset_delta,
        .timestamp_ms = max_timestamp_ms,
    });
    entry.last_timestamp_ms = max_timestamp_ms;
    if (batch.is_transactional && !entry.current_txn_first_offset) {
        entry.current_txn_first_offset = first_offset;
        _ongoing.emplace(first_offset.value(), batch.producer_id.value());
    }
}

namespace {

// Kafka's isProducerExpired: an open transaction keeps its producer.
bool expired(const producer_entry& entry, int64_t now_ms, int64_t expiration_ms) {
    return !entry.current_txn_first_offset && now_ms - entry.last_timestamp_ms >= expiration_ms;
}

} // namespace

size_t producer_state::expire(int64_t now_ms, int64_t expiration_ms) {
    return std::erase_if(_producers, [&](const auto& item) { return expired(item.second, now_ms, expiration_ms); });
}

std::vector<producer_snapshot_entry> producer_state::snapshot_entries() const {
    std::vector<producer_snapshot_entry> out;
    out.reserve(_producers.size());
    for (const auto& [id, entry] : _producers) {
        producer_snapshot_entry e;
        e.producer_id = model::producer_id(id);
        e.epoch = entry.epoch;
        e.timestamp_ms = entry.last_timestamp_ms;
        e.coordinator_epoch = entry.coordinator_epoch;
        e.current_txn_first_offset = entry.current_txn_first_offset.value_or(model::no_offset);
        if (!entry.batches.empty()) {
            e.last_sequence = entry.batches.back().last_sequence;
            e.last_offset = entry.batches.back().last_offset;
            e.offset_delta = entry.batches.back().offset_delta;
        }
        out.push_back(e);
    }
    std::ranges::sort(out, {}, [](const producer_snapshot_entry& e) { return e.producer_id.value(); });
    return out;
}

storage_errc producer_state::write_snapshot(file_system& fs, const std::string& dir) {
    if (_snapshot_offset == _map_end_offset) return storage_errc::none;
    const std::vector<producer_snapshot_entry> entries = snapshot_entries();
    if (storage_errc e = write_producer_snapshot(fs, dir, _map_end_offset, entries); e != storage_errc::none) return e;
    _snapshot_offset = _map_end_offset;
    return storage_errc::none;
}

result<producer_state> producer_state::load(file_system& fs, const std::string& dir, model::offset log_start_offset,
                                            model::offset log_end_offset, int64_t now_ms, int64_t expiration_ms) {
    auto loaded = load_latest_producer_snapshot(fs, dir, log_end_offset);
    if (!loaded) return loaded.error();
    // A snapshot below the log start describes batches retention or DeleteRecords removed:
    // their producers are forgotten, as Kafka forgets a producer whose last entry left the log.
    if (!loaded->has_value() || (*loaded)->offset.value() < log_start_offset.value())
        return producer_state(log_start_offset);
    producer_state state((*loaded)->offset);
    state._snapshot_offset = (*loaded)->offset;
    for (const producer_snapshot_entry& e : (*loaded)->entries) {
        producer_entry entry;
        entry.epoch = e.epoch;
        entry.coordinator_epoch = e.coordinator_epoch;
        entry.last_timestamp_ms = e.timestamp_ms;
        if (e.current_txn_first_offset.value() >= 0) entry.current_txn_first_offset = e.current_txn_first_offset;
        if (e.last_offset.value() >= 0)
            entry.batches.push_back({
                .first_sequence = decrement_sequence(e.last_sequence, e.offset_delta),
                .last_sequence = e.last_sequence,
                .last_offset = e.last_offset,
                .offset_delta = e.offset_delta,
                .timestamp_ms = e.timestamp_ms,
            });
        if (expired(entry, now_ms, expiration_ms)) continue;
        if (entry.current_txn_first_offset)
            state._ongoing.emplace(entry.current_txn_first_offset->value(), e.producer_id.value());
        state._producers.emplace(e.producer_id.value(), std::move(entry));
    }
    return state;
}

} // namespace sluice::storage
