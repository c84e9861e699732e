#pragma once
// A record batch taken apart for golden assertions: every header field, whether the CRC and
// the broker-side validation pass, and the records (decompressed) as owned strings.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "protocol/batch_error.h"
#include "protocol/compression.h"

namespace sluice::golden {

struct decoded_header {
    std::string key;
    std::optional<std::string> value;
    bool operator==(const decoded_header&) const = default;
};

// A record as a client meant it: what the tests compare against what they sent.
struct message {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<decoded_header> headers;
    bool operator==(const message&) const = default;
};

struct decoded_record {
    int32_t offset_delta = 0;
    int64_t timestamp_delta = 0;
    message content;
};

struct decoded_batch {
    int64_t base_offset = 0;
    int8_t magic = 0;
    int16_t attributes = 0;
    protocol::compression_type compression = protocol::compression_type::none;
    bool crc_ok = false; // the stored CRC-32C matches the bytes
    protocol::batch_error validation = protocol::batch_error::none; // as a broker checks a Produce
    int32_t last_offset_delta = 0;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    int32_t base_sequence = 0;
    int32_t records_count = 0;
    std::vector<decoded_record> records;
};

// Splits `records` (a Produce or Fetch `records` field) into batches and decodes each. On
// failure (bad framing, undecodable records) returns nullopt and says why in `error`.
std::optional<std::vector<decoded_batch>> decode_batches(byte_view records, std::string& error);

std::ostream& operator<<(std::ostream& os, const message& m);

} // namespace sluice::golden
