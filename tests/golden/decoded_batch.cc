#include "golden/decoded_batch.h"

#include "protocol/batch_validator.h"
#include "protocol/record_batch.h"
#include "protocol/record_reader.h"

namespace sluice::golden {

namespace {

std::string to_string(byte_view b) { return std::string(as_chars(b)); }
std::optional<std::string> to_string(const std::optional<byte_view>& b) {
    return b ? std::optional<std::string>(to_string(*b)) : std::nullopt;
}

bool decode_records(protocol::record_batch_view view, decoded_batch& out, std::string& error) {
    byte_buffer scratch;
    protocol::records_open_result opened =
        protocol::open_records(view, protocol::decompressed_batch_bytes_max_default, scratch);
    if (opened.error != protocol::batch_error::none) {
        error = "cannot open records: " + std::string(protocol::to_string(opened.error));
        return false;
    }
    protocol::record_view record;
    while (opened.reader.next(record)) {
        decoded_record& r = out.records.emplace_back();
        r.offset_delta = record.offset_delta;
        r.timestamp_delta = record.timestamp_delta;
        r.content.key = to_string(record.key);
        r.content.value = to_string(record.value);
        protocol::header_reader headers(record);
        for (protocol::record_header_view h; headers.next(h);)
            r.content.headers.push_back({to_string(h.key), to_string(h.value)});
    }
    if (opened.reader.error() != protocol::batch_error::none || !opened.reader.at_end()) {
        error = "malformed record " + std::to_string(out.records.size());
        return false;
    }
    return true;
}

} // namespace

std::optional<std::vector<decoded_batch>> decode_batches(byte_view records, std::string& error) {
    std::vector<protocol::record_batch_view> views;
    if (auto split = protocol::split_batches(records, views); split.error != protocol::batch_error::none) {
        error = "batch framing: " + std::string(protocol::to_string(split.error));
        return std::nullopt;
    }
    std::vector<decoded_batch> batches;
    for (const protocol::record_batch_view& view : views) {
        decoded_batch& b = batches.emplace_back();
        b.base_offset = view.base_offset().value();
        b.magic = view.magic();
        b.attributes = view.attributes();
        b.compression = view.compression();
        b.crc_ok = view.crc() == view.compute_crc();
        byte_buffer scratch;
        b.validation = protocol::validate_batch(view, protocol::validate_options{}, scratch).error;
        b.last_offset_delta = view.last_offset_delta();
        b.producer_id = view.producer_id().value();
        b.producer_epoch = view.producer_epoch().value();
        b.base_sequence = view.base_sequence();
        b.records_count = view.records_count();
        if (!decode_records(view, b, error)) return std::nullopt;
    }
    return batches;
}

std::ostream& operator<<(std::ostream& os, const message& m) {
    auto opt = [](const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : std::string("null"); };
    os << "{key=" << opt(m.key) << " value=" << opt(m.value) << " headers=[";
    for (const decoded_header& h : m.headers) os << h.key << ":" << opt(h.value) << " ";
    return os << "]}";
}

} // namespace sluice::golden
