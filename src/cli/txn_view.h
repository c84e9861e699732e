#pragma once
// txn_view: what `sluice txn list|describe` print, apart from any client. The commands fill
// these plain structs from ListTransactions and DescribeTransactions answers (txn_list.cc,
// txn_describe.cc); rendering them is pure and unit-tested. Columns as kafka-transactions.sh
// names them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "cli/topic_partition.h"

namespace sluice::cli {

// One transaction of a ListTransactions answer, with the broker that answered (its coordinator).
struct txn_listing {
    std::string transactional_id;
    model::node_id coordinator;
    model::producer_id producer_id;
    std::string state; // Kafka's name, e.g. "Ongoing"
};

// TransactionalId Coordinator ProducerId TransactionState, sorted by transactional id.
std::string txn_list_table(std::vector<txn_listing> transactions);
// [{"transactional_id":..,"coordinator":..,"producer_id":..,"transaction_state":..}], same order.
std::string txn_list_json(std::vector<txn_listing> transactions);

// A DescribeTransactions answer for one transactional id, and who gave it.
struct txn_description {
    model::node_id coordinator_id;
    std::string transactional_id;
    model::producer_id producer_id;
    model::producer_epoch producer_epoch;
    std::string state;
    int32_t timeout_ms = 0;
    std::optional<int64_t> start_time_ms; // the running transaction's start; none when there is none
    std::vector<topic_partition> partitions;
};

// The transaction's start as DescribeTransactions gives it: negative (-1) means none.
std::optional<int64_t> start_time_of(int64_t transaction_start_time_ms);

// One table row, as kafka-transactions.sh describe prints it: CoordinatorId TransactionalId
// ProducerId ProducerEpoch TransactionState TransactionTimeoutMs CurrentTransactionStartTimeMs
// TransactionDurationMs TopicPartitions. Without a start time both time columns are "None";
// the duration is `now_ms` minus the start. Partitions as "topic-partition", comma-separated,
// sorted.
std::string txn_describe_table(const txn_description& transaction, int64_t now_ms);
// The same as one JSON object; "None" is null, partitions [{"topic":..,"partition":..}].
std::string txn_describe_json(const txn_description& transaction, int64_t now_ms);

} // namespace sluice::cli
