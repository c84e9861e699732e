#pragma once
// consume_assignment: the partitions and start offsets a consumer without a group reads, and
// the librdkafka settings of either kind of consumer (consume_command.h).
#include <librdkafka/rdkafka.h>

#include <memory>
#include <vector>

#include "cli/kafka_client.h"
#include "cli/options.h"
#include "cli/result.h"

namespace sluice::cli {

struct partition_list_deleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
        rd_kafka_topic_partition_list_destroy(list);
    }
};
using partition_list = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

std::vector<key_value> consumer_settings(const consume_options& options);

// The partitions (all of the topic's, or --partition) with their start offsets. Fails when
// the topic or partition does not exist, or a timestamp lookup fails.
result<partition_list> initial_assignment(const kafka_client& consumer, const common_options& common,
                                          const consume_options& options);

} // namespace sluice::cli
