#include "protocol/batch_error.h"

namespace sluice::protocol {

std::string_view to_string(batch_error error) noexcept {
    switch (error) {
    case batch_error::none: return "none";
    case batch_error::truncated: return "record batch truncated";
    case batch_error::bad_length: return "record batch length below the v2 header size";
    case batch_error::old_magic: return "message format v0/v1 (magic 0/1) is not supported; magic 2 is required";
    case batch_error::bad_magic: return "unknown record batch magic";
    case batch_error::crc_mismatch: return "record batch CRC mismatch";
    case batch_error::bad_attributes: return "invalid record batch attributes";
    case batch_error::bad_record_count: return "record count does not match the records";
    case batch_error::bad_offsets: return "record offsets out of place";
    case batch_error::bad_timestamps: return "invalid record timestamps";
    case batch_error::bad_producer_fields: return "inconsistent producer id, epoch or sequence";
    case batch_error::control_from_client: return "clients are not allowed to write control records";
    case batch_error::invalid_record: return "malformed record";
    case batch_error::decompression_failed: return "records could not be decompressed";
    case batch_error::too_large: return "decompressed records exceed the size limit";
    }
    return "unknown";
}

int16_t kafka_error_code(batch_error error) noexcept {
    switch (error) {
    case batch_error::none: return kafka_none;
    case batch_error::truncated:
    case batch_error::bad_length:
    case batch_error::bad_magic:
    case batch_error::crc_mismatch:
    case batch_error::decompression_failed: return kafka_corrupt_message;
    case batch_error::too_large: return kafka_message_too_large;
    case batch_error::bad_timestamps: return kafka_invalid_timestamp;
    case batch_error::old_magic:
    case batch_error::bad_attributes:
    case batch_error::bad_record_count:
    case batch_error::bad_offsets:
    case batch_error::bad_producer_fields:
    case batch_error::control_from_client:
    case batch_error::invalid_record: return kafka_invalid_record;
    }
    return kafka_corrupt_message;
}

} // namespace sluice::protocol
