// DescribeTransactions and ListTransactions (KIP-664; ListTransactions v1's duration filter,
// KIP-994), as Kafka 4.0's handleDescribeTransactions / listTransactionStates.
#include <algorithm>

#include "txn/coordinator_impl.h"

namespace sluice::txn {

transaction_coordinator::described_transaction
transaction_coordinator::impl::describe(const std::string& transactional_id) const {
    described_transaction out;
    out.transactional_id = transactional_id;
    if (transactional_id.empty()) {
        out.error_code = error_code::invalid_request;
        return out;
    }
    if (error_code e = partition_error(transactional_id); e != error_code::none) {
        out.error_code = e;
        return out;
    }
    auto it = transactions.find(transactional_id);
    if (it == transactions.end() || it->second->v.state == txn_state::dead) {
        out.error_code = error_code::transactional_id_not_found;
        return out;
    }
    const txn_values& v = it->second->v;
    out.producer_id = v.producer_id;
    out.producer_epoch = v.producer_epoch;
    out.transaction_state = std::string(state_name(v.state));
    out.transaction_timeout_ms = v.timeout_ms;
    out.transaction_start_time_ms = v.start_timestamp_ms;
    for (const auto& tp : v.partitions) {
        if (out.topics.empty() || out.topics.back().topic != tp.topic) {
            out.topics.emplace_back();
            out.topics.back().topic = tp.topic;
        }
        out.topics.back().partitions.push_back(model::partition_id{tp.partition});
    }
    return out;
}

std::vector<transaction_coordinator::listed_transaction>
transaction_coordinator::impl::list(const std::vector<std::string>& state_filters,
                                    const std::vector<model::producer_id>& producer_id_filters,
                                    int64_t duration_filter_ms) const {
    std::set<txn_state> states;
    for (const auto& name : state_filters)
        if (auto s = state_from_name(name)) states.insert(*s);
    int64_t now = timers.now_ms();
    std::vector<listed_transaction> out;
    for (const auto& [id, m] : transactions) {
        auto p = partitions.find(m->partition);
        if (p == partitions.end() || p->second.status != load_status::loaded) continue;
        const txn_values& v = m->v;
        if (v.state == txn_state::dead) continue;
        if (!producer_id_filters.empty() &&
            std::find(producer_id_filters.begin(), producer_id_filters.end(), v.producer_id) == producer_id_filters.end())
            continue;
        // Unknown names are reported (unknown_state_filters) and do not filter.
        if (!states.empty() && !states.contains(v.state)) continue;
        if (duration_filter_ms >= 0 && now - v.start_timestamp_ms <= duration_filter_ms) continue;
        listed_transaction t;
        t.transactional_id = id;
        t.producer_id = v.producer_id;
        t.transaction_state = std::string(state_name(v.state));
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace sluice::txn
