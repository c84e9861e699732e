// Produce (key 0), v0-12 (v0-2 carry message sets v0/v1, refused per partition: ADR 0005).
// Per partition, on the shard that owns it: frame and validate the batch (CRC, records,
// sizes against max.message.bytes, timestamps against message.timestamp.*), recompress when
// the topic's compression.type is a codec other than the producer's, append (offsets
// assigned in place in the receive buffer, DESIGN.md §4). acks=1 answers after the append,
// acks=-1 after the batch is also on disk (fdatasync, group-committed), acks=0 never.
#include <limits>

#include "base/crc32c.h"
#include "protocol/batch_validator.h"
#include "protocol/compression.h"
#include "protocol/generated/api_000_produce.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_format.h"
#include "server/handlers/handlers.h"
#include "server/handlers/partition_apis.h"
#include "server/shard_gather.h"
#include "server/shard_partitions.h"
#include "server/storage_wait.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using partition_response = msg::produce_response::partition_produce_response;

struct partition_work {
    std::string_view topic;
    int32_t index = 0;
    byte_view records;
    partition_response* out = nullptr;
};

std::optional<protocol::compression_type> codec_named(std::string_view name) {
    using protocol::compression_type;
    if (name == "uncompressed") return compression_type::none;
    if (name == "gzip") return compression_type::gzip;
    if (name == "snappy") return compression_type::snappy;
    if (name == "lz4") return compression_type::lz4;
    if (name == "zstd") return compression_type::zstd;
    return std::nullopt; // "producer": keep the producer's codec
}

std::optional<int> codec_level(const cluster::topic_settings& s, protocol::compression_type type) {
    switch (type) {
    case protocol::compression_type::gzip: return s.compression_gzip_level == -1 ? std::nullopt : std::optional<int>(s.compression_gzip_level);
    case protocol::compression_type::lz4: return s.compression_lz4_level;
    case protocol::compression_type::zstd: return s.compression_zstd_level;
    default: return std::nullopt;
    }
}

// The batch rewritten with `target` codec: same header fields, new records section, length,
// attributes and CRC. Empty on a codec failure.
byte_buffer recompress(protocol::record_batch_view batch, protocol::compression_type target,
                       std::optional<int> level, size_t max_bytes) {
    namespace bf = protocol::batch_format;
    byte_buffer records;
    if (batch.compression() == protocol::compression_type::none) {
        byte_view raw = batch.records_bytes();
        records.assign(raw.begin(), raw.end());
    } else {
        auto plain = protocol::decompress(batch.compression(), batch.records_bytes(), max_bytes);
        if (!plain.ok()) return {};
        records = std::move(plain.bytes);
    }
    byte_buffer out(batch.bytes().begin(), batch.bytes().begin() + bf::header_bytes);
    if (target == protocol::compression_type::none) {
        out.insert(out.end(), records.begin(), records.end());
    } else {
        auto packed = protocol::compress(target, records, level);
        if (!packed.ok()) return {};
        out.insert(out.end(), packed.bytes.begin(), packed.bytes.end());
    }
    be::store<int32_t>(out.data() + bf::batch_length_at, static_cast<int32_t>(out.size() - bf::log_overhead_bytes));
    const auto attributes = static_cast<int16_t>((batch.attributes() & ~bf::compression_mask) | static_cast<int16_t>(target));
    be::store<int16_t>(out.data() + bf::attributes_at, attributes);
    be::store<uint32_t>(out.data() + bf::crc_at,
                        crc32c(byte_view(out.data() + bf::attributes_at, out.size() - bf::attributes_at)));
    return out;
}

void fail(partition_response& out, error_code code, std::optional<std::string> message = std::nullopt) {
    out.error_code = code;
    out.base_offset = model::offset{-1};
    out.error_message = std::move(message);
}

// On the owner shard. Returns the offset the answer waits to be durable for (acks=-1), or
// nullopt.
std::optional<std::pair<partition*, model::offset>> produce_one(shard_partitions& shard, const partition_work& w,
                                                               int16_t version, byte_buffer& scratch) {
    partition_response& out = *w.out;
    partition* p = shard.find(w.topic, w.index);
    if (p == nullptr) {
        fail(out, error_code::unknown_topic_or_partition);
        return std::nullopt;
    }
    storage::log& log = *p->log->log;
    out.log_start_offset = log.log_start_offset();
    std::vector<protocol::record_batch_view> batches;
    protocol::split_result split = protocol::split_batches(w.records, batches);
    if (split.error != protocol::batch_error::none) {
        fail(out, static_cast<error_code>(protocol::kafka_error_code(split.error)), std::string(to_string(split.error)));
        return std::nullopt;
    }
    if (batches.size() != 1) {
        fail(out, error_code::invalid_record,
             "Produce requests with version 3+ must have exactly one record batch per partition");
        return std::nullopt;
    }
    protocol::record_batch_view batch = batches.front();
    const cluster::topic_settings& settings = p->settings;
    if (batch.size_bytes() > static_cast<size_t>(settings.max_message_bytes)) {
        fail(out, error_code::message_too_large,
             "The batch size " + std::to_string(batch.size_bytes()) + " exceeds max.message.bytes " +
                 std::to_string(settings.max_message_bytes));
        return std::nullopt;
    }
    if (batch.size_bytes() > static_cast<size_t>(settings.log.log.segment.segment_bytes)) {
        fail(out, error_code::record_list_too_large, "The batch is larger than segment.bytes");
        return std::nullopt;
    }
    protocol::validate_options options;
    protocol::validate_result v = protocol::validate_batch(batch, options, scratch);
    if (!v.ok()) {
        fail(out, static_cast<error_code>(protocol::kafka_error_code(v.error)), std::string(to_string(v.error)));
        if (v.record_index >= 0 && version >= 8) {
            msg::produce_response::batch_index_and_error_message e;
            e.batch_index = v.record_index;
            e.batch_index_error_message = std::string(to_string(v.error));
            out.record_errors.push_back(std::move(e));
        }
        return std::nullopt;
    }
    if (!settings.log_append_time && v.summary.record_count > 0) {
        const int64_t now = storage::system_clock().now_ms();
        const int64_t before = settings.timestamp_before_max_ms, after = settings.timestamp_after_max_ms;
        const bool too_old = before < now && v.summary.min_timestamp < now - before;
        const bool too_new = after < std::numeric_limits<int64_t>::max() - now && v.summary.max_timestamp > now + after;
        if (too_old || too_new) {
            fail(out, error_code::invalid_timestamp,
                 "Timestamp " + std::to_string(too_old ? v.summary.min_timestamp : v.summary.max_timestamp) +
                     " of a record is out of range: message.timestamp." + (too_old ? "before" : "after") +
                     ".max.ms is " + std::to_string(too_old ? before : after));
            return std::nullopt;
        }
    }
    std::span<uint8_t> bytes(const_cast<uint8_t*>(batch.bytes().data()), batch.size_bytes());
    byte_buffer rewritten;
    if (auto target = codec_named(settings.compression_type); target && *target != batch.compression()) {
        rewritten = recompress(batch, *target, codec_level(settings, *target), options.decompressed_bytes_max);
        if (rewritten.empty()) {
            fail(out, error_code::corrupt_message, "The batch could not be recompressed");
            return std::nullopt;
        }
        bytes = rewritten;
    }
    // Idempotent and transactional producers (KIP-98): a retry of one of the producer's last 5
    // batches is answered with its original offsets and not appended again; sequence gaps and
    // fenced epochs are refused.
    if (batch.has_producer_id()) {
        storage::producer_check check = log.check_producer(batch);
        switch (check.result) {
        case storage::producer_check_errc::ok: break;
        case storage::producer_check_errc::duplicate:
            out.error_code = error_code::none;
            out.base_offset = check.base_offset;
            out.log_append_time_ms = settings.log_append_time ? check.timestamp_ms : -1;
            out.log_start_offset = log.log_start_offset();
            // acks=-1: the original may not be durable yet.
            return std::make_pair(p, model::offset{check.last_offset.value() + 1});
        case storage::producer_check_errc::out_of_order_sequence:
            fail(out, error_code::out_of_order_sequence_number,
                 "Out of order sequence number for producer " + std::to_string(batch.producer_id().value()) +
                     ": " + std::to_string(batch.base_sequence()));
            return std::nullopt;
        case storage::producer_check_errc::invalid_producer_epoch:
            fail(out, error_code::invalid_producer_epoch,
                 "Producer epoch " + std::to_string(batch.producer_epoch().value()) + " is older than the current one");
            return std::nullopt;
        case storage::producer_check_errc::invalid_txn_state:
        case storage::producer_check_errc::coordinator_fenced:
            fail(out, error_code::invalid_txn_state, "A non-transactional batch inside an open transaction");
            return std::nullopt;
        }
    }
    auto appended = log.append(bytes, model::leader_epoch{0});
    if (!appended) {
        fail(out, error_code::kafka_storage_error, std::string(storage::to_string(appended.error())));
        return std::nullopt;
    }
    out.error_code = error_code::none;
    out.base_offset = appended->base_offset;
    out.log_append_time_ms = appended->log_append_time_ms;
    out.log_start_offset = log.log_start_offset();
    p->log->syncer->appended();
    shard.appended(*p);
    return std::make_pair(p, model::offset{appended->last_offset.value() + 1});
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::produce_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::produce_response response;
    const bool valid_acks = req.acks == 0 || req.acks == 1 || req.acks == -1;
    cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<partition_work> work;
    std::vector<net::shard_id> shards;
    response.responses.reserve(req.topic_data.size());
    for (auto& topic : req.topic_data) {
        auto& t = response.responses.emplace_back();
        t.name = topic.name;
        t.partition_responses.reserve(topic.partition_data.size());
    }
    for (size_t ti = 0; ti < req.topic_data.size(); ++ti) {
        const auto& topic = req.topic_data[ti];
        auto& t = response.responses[ti];
        const cluster::topic_image* known = image->find(topic.name);
        for (const auto& part : topic.partition_data) {
            partition_response& out = t.partition_responses.emplace_back();
            out.index = part.index;
            const int32_t index = part.index.value();
            if (!valid_acks) {
                fail(out, error_code::invalid_required_acks);
            } else if (!has_partition(known, index)) {
                fail(out, error_code::unknown_topic_or_partition);
            } else if (r.version < 3) {
                fail(out, error_code::unsupported_for_message_format, "Message format v0/v1 is not supported");
            } else {
                work.push_back({topic.name, index, part.records ? part.records->data : byte_view{}, &out});
                net::shard_id owner = r.ctx.owner_of(topic.name, index);
                if (std::find(shards.begin(), shards.end(), owner) == shards.end()) shards.push_back(owner);
            }
        }
    }
    const int16_t version = r.version;
    const bool durable = req.acks == -1;
    co_await for_each_shard(*r.ctx.shards, shards, [&](net::shard_id shard) -> asio::awaitable<void> {
        shard_partitions& parts = *r.ctx.partitions[shard];
        thread_local byte_buffer scratch;
        std::vector<std::pair<partition*, model::offset>> waits;
        std::vector<partition_response*> outs;
        for (const partition_work& w : work) {
            if (r.ctx.owner_of(w.topic, w.index) != shard) continue;
            if (auto wait = produce_one(parts, w, version, scratch); wait && durable) {
                waits.push_back(*wait);
                outs.push_back(w.out);
            }
        }
        for (size_t i = 0; i < waits.size(); ++i) {
            storage::storage_errc e = co_await wait_durable(*waits[i].first->log->syncer, waits[i].second);
            if (e != storage::storage_errc::none) fail(*outs[i], error_code::kafka_storage_error, std::string(storage::to_string(e)));
        }
    });
    if (req.acks == 0) co_return handler_outcome::no_response;
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::produce_response response;
    (void)code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler produce{0, 0, 12, handle, error_response};

} // namespace sluice::server::handlers
