#pragma once
// The records of the metadata log that Sluice writes and applies (KRaft's record types and
// layouts, schemas/records/metadata), and the framing of one log entry
// (docs/formats/metadata_log.md): a sequence of records, each
//   uvarint length | uvarint frame version (1) | uvarint record type | uvarint version | body
// — the frame KRaft's MetadataRecordSerde puts before a record — so a batch of records that
// must take effect together (a topic and its partitions) is one entry, applied atomically.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "cluster/metadata_image.h"
#include "protocol/generated/records_metadata_config_record.h"
#include "protocol/generated/records_metadata_partition_record.h"
#include "protocol/generated/records_metadata_producer_ids_record.h"
#include "protocol/generated/records_metadata_remove_topic_record.h"
#include "protocol/generated/records_metadata_topic_record.h"

namespace sluice::cluster {

using metadata_record = std::variant<protocol::msg::topic_record, protocol::msg::partition_record,
                                     protocol::msg::config_record, protocol::msg::remove_topic_record,
                                     protocol::msg::producer_ids_record>;

// ConfigRecord resource types (Kafka's ConfigResource.Type).
inline constexpr int8_t config_resource_topic = 2;
inline constexpr int8_t config_resource_broker = 4;

byte_buffer encode_entry(const std::vector<metadata_record>& records);
// nullopt when the entry is malformed or holds a record type or version this build does not
// know (the quorum thread then stops applying: a newer writer's log is not ours to guess).
std::optional<std::vector<metadata_record>> decode_entry(byte_view entry);

// Applies records to a copy of an image. Records that contradict the image (a partition of
// an unknown topic, a duplicate name) are skipped and counted: the controller never writes
// them, and applying must be deterministic on every replica.
class image_builder {
public:
    explicit image_builder(const metadata_image& base);
    void apply(const metadata_record& record);
    size_t skipped() const noexcept { return _skipped; }
    image_ptr build(uint64_t offset);

private:
    topic_image& mutable_topic(const uuid& id);

    metadata_image _image;
    std::map<uuid, std::shared_ptr<topic_image>> _changed; // copies being edited
    size_t _skipped = 0;
};

// The records that rebuild `image` from nothing (snapshots).
std::vector<metadata_record> image_records(const metadata_image& image);

} // namespace sluice::cluster
