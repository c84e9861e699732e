#include "server/internal_partition.h"

#include <asio/post.hpp>

#include "base/log.h"
#include "protocol/compression.h"
#include "server/shard_partitions.h"

namespace sluice::server {

namespace {

// The most a replayed batch may decompress to (a compressed batch Kafka wrote).
constexpr size_t replay_decompressed_max = 256u << 20;

} // namespace

void append_durably(shard_partitions& shard, partition& p, const protocol::batch_builder_options& options,
                    const std::vector<internal_record>& records, int64_t now_ms, asio::any_io_executor executor,
                    std::function<void(protocol::error_code)> done) {
    auto answer = [&executor, &done](protocol::error_code e) {
        asio::post(executor, [done = std::move(done), e] { done(e); });
    };
    protocol::record_batch_builder builder(options);
    for (const auto& r : records) {
        protocol::record_input in;
        in.timestamp_ms = now_ms;
        in.key = r.key;
        in.value = r.value;
        builder.append(in);
    }
    protocol::build_result built = builder.build();
    if (!built.ok()) return answer(protocol::error_code::unknown_server_error);
    auto appended = p.log->log->append(std::span<uint8_t>(built.bytes.data(), built.bytes.size()), model::leader_epoch{0});
    if (!appended) {
        log::error("{}: appending coordinator records: {}", p.tp.dir_name(), storage::to_string(appended.error()));
        return answer(protocol::error_code::kafka_storage_error);
    }
    p.log->syncer->appended();
    shard.appended(p);
    const model::offset up_to{appended->last_offset.value() + 1};
    p.log->syncer->wait_durable(up_to, [executor, done = std::move(done)](storage::storage_errc e) mutable {
        const auto code = e == storage::storage_errc::none ? protocol::error_code::none
                                                            : protocol::error_code::kafka_storage_error;
        asio::post(executor, [done = std::move(done), code] { done(code); });
    });
}

void replay_log(storage::log& log, std::string_view name,
                const std::function<void(const protocol::record_batch_view& batch, byte_view records)>& fn) {
    model::offset next = log.log_start_offset();
    const model::offset end = log.log_end_offset();
    byte_buffer bytes, scratch;
    std::vector<protocol::record_batch_view> batches;
    while (next < end) {
        auto read = log.read(next, 1u << 20);
        if (!read || read->range.empty()) {
            log::error("{}: reading at offset {} to load: {}", name, next.value(),
                       read ? "nothing to read" : storage::to_string(read.error()));
            return;
        }
        bytes.resize(read->range.length);
        auto got = read->range.file->read_at(read->range.position, std::span<uint8_t>(bytes.data(), bytes.size()));
        if (!got || *got != bytes.size()) {
            log::error("{}: reading a segment to load failed", name);
            return;
        }
        batches.clear();
        protocol::split_batches(byte_view(bytes), batches);
        if (batches.empty()) return;
        for (const auto& batch : batches) {
            next = model::offset{batch.base_offset().value() + batch.last_offset_delta() + 1};
            byte_view section = batch.records_bytes();
            if (batch.compression() != protocol::compression_type::none) {
                if (protocol::decompress_into(batch.compression(), section, replay_decompressed_max, scratch) !=
                    protocol::codec_error::none) {
                    log::error("{}: a batch at offset {} does not decompress; skipped", name, batch.base_offset().value());
                    continue;
                }
                section = byte_view(scratch);
            }
            fn(batch, section);
        }
    }
}

std::set<int32_t> owned_partitions(shard_partitions& shard, std::string_view topic, std::set<int32_t>& loaded,
                                   const std::function<void(int32_t)>& unload) {
    std::set<int32_t> owned;
    for (const auto& [tp, p] : shard.partitions())
        if (tp.topic == topic) owned.insert(tp.partition.value());
    for (auto it = loaded.begin(); it != loaded.end();) {
        if (owned.contains(*it)) {
            ++it;
            continue;
        }
        unload(*it);
        it = loaded.erase(it);
    }
    return owned;
}

} // namespace sluice::server
