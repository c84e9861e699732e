#include "cli/txn_view.h"

#include <algorithm>

#include "cli/json_writer.h"
#include "cli/table.h"

namespace sluice::cli {

namespace {

void sort_by_id(std::vector<txn_listing>& transactions) {
    std::sort(transactions.begin(), transactions.end(), [](const auto& a, const auto& b) {
        return a.transactional_id != b.transactional_id ? a.transactional_id < b.transactional_id
                                                        : a.coordinator < b.coordinator;
    });
}

std::vector<topic_partition> sorted(std::vector<topic_partition> partitions) {
    std::sort(partitions.begin(), partitions.end());
    return partitions;
}

std::optional<int64_t> duration_ms(const txn_description& t, int64_t now_ms) {
    if (!t.start_time_ms) return std::nullopt;
    return now_ms - *t.start_time_ms;
}

void optional_number(json_writer& out, const std::optional<int64_t>& value) {
    if (value) {
        out.value(*value);
    } else {
        out.null();
    }
}

} // namespace

std::string txn_list_table(std::vector<txn_listing> transactions) {
    sort_by_id(transactions);
    table rows({"TransactionalId", "Coordinator", "ProducerId", "TransactionState"});
    for (const auto& t : transactions)
        rows.add_row({t.transactional_id, std::to_string(t.coordinator.value()), std::to_string(t.producer_id.value()),
                      t.state});
    return rows.render();
}

std::string txn_list_json(std::vector<txn_listing> transactions) {
    sort_by_id(transactions);
    json_writer out;
    out.begin_array();
    for (const auto& t : transactions) {
        out.begin_object().key("transactional_id").value(t.transactional_id);
        out.key("coordinator").value(int64_t{t.coordinator.value()}).key("producer_id").value(t.producer_id.value());
        out.key("transaction_state").value(t.state).end_object();
    }
    out.end_array();
    return out.text() + "\n";
}

std::optional<int64_t> start_time_of(int64_t transaction_start_time_ms) {
    if (transaction_start_time_ms < 0) return std::nullopt;
    return transaction_start_time_ms;
}

std::string txn_describe_table(const txn_description& t, int64_t now_ms) {
    const auto none_or = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("None"); };
    std::string partitions;
    for (const auto& tp : sorted(t.partitions))
        partitions += (partitions.empty() ? "" : ",") + tp.topic + "-" + std::to_string(tp.partition);
    table rows({"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState",
                "TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions"});
    rows.add_row({std::to_string(t.coordinator_id.value()), t.transactional_id, std::to_string(t.producer_id.value()),
                  std::to_string(t.producer_epoch.value()), t.state, std::to_string(t.timeout_ms),
                  none_or(t.start_time_ms), none_or(duration_ms(t, now_ms)), partitions});
    return rows.render();
}

std::string txn_describe_json(const txn_description& t, int64_t now_ms) {
    json_writer out;
    out.begin_object().key("coordinator_id").value(int64_t{t.coordinator_id.value()});
    out.key("transactional_id").value(t.transactional_id).key("producer_id").value(t.producer_id.value());
    out.key("producer_epoch").value(int64_t{t.producer_epoch.value()}).key("transaction_state").value(t.state);
    out.key("transaction_timeout_ms").value(int64_t{t.timeout_ms}).key("current_transaction_start_time_ms");
    optional_number(out, t.start_time_ms);
    out.key("transaction_duration_ms");
    optional_number(out, duration_ms(t, now_ms));
    out.key("topic_partitions").begin_array();
    for (const auto& tp : sorted(t.partitions))
        out.begin_object().key("topic").value(tp.topic).key("partition").value(int64_t{tp.partition}).end_object();
    out.end_array().end_object();
    return out.text() + "\n";
}

} // namespace sluice::cli
