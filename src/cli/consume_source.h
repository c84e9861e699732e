#pragma once
// consume_source: where `sluice consume` gets records from.
// - group_source: the high-level consumer, subscribed as a member of --group. Its partitions
//   are whatever the group assigned it.
// - partition_source: partitions read directly with librdkafka's partition consumer
//   (rd_kafka_consume_start_queue), at start offsets chosen by the command. librdkafka 2.0.2
//   refuses rd_kafka_assign() without a group.id, and a made-up group would send the broker
//   coordinator traffic for nothing.
//
// Both borrow the client (which outlives them) and are used from the command's thread only.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <vector>

#include "cli/consume_assignment.h"
#include "cli/kafka_client.h"
#include "cli/result.h"

namespace sluice::cli {

struct message_deleter {
    void operator()(rd_kafka_message_t* message) const noexcept { rd_kafka_message_destroy(message); }
};
using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;

class consume_source {
public:
    virtual ~consume_source() = default;
    // The next record or event (an error, a partition EOF), or null after `timeout_ms`.
    // Also serves the client's callbacks (error_cb).
    virtual message_ptr poll(int timeout_ms) = 0;
    // The partitions being read now.
    virtual std::vector<int32_t> partitions() const = 0;
    // Stops reading; a group consumer leaves its group and commits the stored offsets.
    virtual void close() = 0;
};

result<std::unique_ptr<consume_source>> subscribe(const kafka_client& consumer, const std::string& topic);
result<std::unique_ptr<consume_source>> start_partitions(const kafka_client& consumer, const std::string& topic,
                                                         partition_list start);

} // namespace sluice::cli
