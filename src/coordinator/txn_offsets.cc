// KIP-98 transactional offset commits: TxnOffsetCommit and the end of a transaction (Kafka 4.0
// OffsetMetadataManager.commitTransactionalOffset / replayEndTransactionMarker and the groups'
// validateOffsetCommit with isTransactional).
//
// Unlike the other writes here, a transaction's offsets are pending from the moment their batch
// is appended, not from when it is durable: the marker that ends the transaction is appended
// behind the batch and must find them (Kafka applies records when it writes them too). A failed
// append takes them back out. Pending offsets are invisible to OffsetFetch except as
// UNSTABLE_OFFSET_COMMIT under require_stable.
#include "base/assert.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

struct txn_commit {
    std::string topic;
    int32_t partition;
    uint64_t log_order;
};

void set_all(msg::txn_offset_commit_response& response, error_code e) {
    for (auto& t : response.topics)
        for (auto& p : t.partitions) p.error_code = e;
}

} // namespace

error_code group_coordinator::impl::validate_txn_offset_commit(const msg::txn_offset_commit_request& request) {
    const int32_t generation = request.generation_id;
    // TxnOffsetCommit v0-2 carry no member id, generation or instance id: the fields are checked
    // only when one of them is given (Kafka 4.0, both group types).
    const bool anonymous = generation == -1 && request.member_id.empty() && !request.group_instance_id;
    if (const consumer_group* cg = find_consumer_group(request.group_id)) {
        if (generation < 0 && cg->members.empty()) return error_code::none;
        if (anonymous) return error_code::none;
        const consumer_member* m = cg->find(request.member_id);
        if (!m) return error_code::unknown_member_id;
        // STALE_MEMBER_EPOCH is answered ILLEGAL_GENERATION to transactional producers.
        if (generation != m->member_epoch) return error_code::illegal_generation;
        return error_code::none;
    }
    classic_group* g = find_group(request.group_id);
    if (!g) {
        if (generation < 0) {
            create_group(request.group_id); // a "simple" group, as for OffsetCommit
            return error_code::none;
        }
        return error_code::illegal_generation;
    }
    if (g->in_state(group_state::dead)) return error_code::coordinator_not_available;
    if (generation < 0 && g->in_state(group_state::empty)) return error_code::none;
    if (generation >= 0 || !request.member_id.empty() || request.group_instance_id) {
        if (error_code e = validate_member(*g, request.member_id, request.group_instance_id); e != error_code::none)
            return e;
        if (generation != g->generation()) return error_code::illegal_generation;
    }
    // Unlike OffsetCommit: no UNKNOWN_MEMBER_ID for an anonymous commit into a group with
    // members, and no REBALANCE_IN_PROGRESS (the group's state is not enforced).
    return error_code::none;
}

void group_coordinator::impl::txn_offset_commit(int16_t version, msg::txn_offset_commit_request&& request,
                                                callback<msg::txn_offset_commit_response> done) {
    msg::txn_offset_commit_response response;
    for (const auto& t : request.topics) {
        auto& rt = response.topics.emplace_back();
        rt.name = t.name;
        for (const auto& p : t.partitions) rt.partitions.emplace_back().partition_index = p.partition_index;
    }
    auto fail = [&](error_code e) {
        set_all(response, e);
        done(std::move(response));
    };
    if (request.group_id.empty()) return fail(error_code::invalid_group_id);
    if (error_code e = partition_error(request.group_id); e != error_code::none) return fail(e);
    const bool existed = find_group(request.group_id) != nullptr || find_consumer_group(request.group_id) != nullptr;
    if (error_code e = validate_txn_offset_commit(request); e != error_code::none) return fail(e);

    const int64_t now = timers.now_ms();
    std::vector<offsets_record> records;
    std::vector<std::pair<txn_commit, offset_and_metadata>> commits;
    for (size_t ti = 0; ti < request.topics.size(); ++ti) {
        const auto& t = request.topics[ti];
        for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
            const auto& p = t.partitions[pi];
            if (p.committed_metadata && p.committed_metadata->size() > static_cast<size_t>(config.offset_metadata_max_bytes)) {
                response.topics[ti].partitions[pi].error_code = error_code::offset_metadata_too_large;
                continue;
            }
            // No expiry timestamp: TxnOffsetCommit has no retention time.
            offset_and_metadata o{p.committed_offset.value(), p.committed_leader_epoch.value(),
                                  p.committed_metadata.value_or(""), now, std::nullopt, 0};
            records.push_back(offset_commit_record(request.group_id, t.name, p.partition_index.value(), o));
            commits.push_back({{t.name, p.partition_index.value(), 0}, std::move(o)});
        }
    }
    if (records.empty()) return done(std::move(response));

    const std::string group_id = request.group_id;
    const int32_t partition = partition_of(group_id);
    const pending_offsets::owner who{partition, request.producer_id.value()};
    // Pending now (see the top of this file), with the log order write_transactional gives them;
    // the append may complete inside the call.
    const uint64_t first = next_log_order;
    std::vector<txn_commit> written;
    for (size_t i = 0; i < commits.size(); ++i) {
        auto& [c, o] = commits[i];
        c.log_order = o.log_order = first + i;
        pending.add(who, group_id, c.topic, c.partition, std::move(o));
        written.push_back(c);
    }
    const uint64_t assigned = write_transactional(
        partition, request.producer_id, request.producer_epoch, std::move(records),
        [this, group_id, who, existed, written = std::move(written), response = std::move(response),
         done = std::move(done)](error_code e) mutable {
            if (e != error_code::none) {
                for (const auto& c : written) pending.erase_written(who, group_id, c.topic, c.partition, c.log_order);
                // A simple group created for this commit holds nothing: forget it again.
                classic_group* g = find_group(group_id);
                if (!existed && g && g->in_state(group_state::empty) && g->empty_of_members() &&
                    !offsets.group(group_id) && !pending.contains(group_id))
                    groups.erase(group_id);
                set_all(response, append_error_to_response(e));
                return done(std::move(response));
            }
            if (!find_group(group_id) && !find_consumer_group(group_id)) create_group(group_id);
            done(std::move(response));
        });
    SLUICE_ASSERT(assigned == first, "write_transactional() gives the next log order");
}

std::vector<pending_offsets::topic_partition>
group_coordinator::impl::tombstone_pending_offsets(const std::string& group_id,
                                                   std::vector<offsets_record>& records) const {
    // Kafka 4.0 deleteAllOffsets: no second tombstone where the committed offset gets one.
    std::vector<pending_offsets::topic_partition> out = pending.partitions_of(group_id);
    for (const auto& tp : out)
        if (!offsets.find(group_id, tp.topic, tp.partition))
            records.push_back(offset_tombstone(group_id, tp.topic, tp.partition));
    return out;
}

void group_coordinator::impl::end_transaction(int32_t partition, int64_t producer_id, bool commit) {
    std::optional<offset_store> ended = pending.take({partition, producer_id});
    if (!ended) return; // e.g. a marker for a transaction that wrote only to other partitions
    if (!commit) return;
    for (const auto& [group_id, topics] : ended->all()) {
        // The group existed when the offsets were written; it may have been deleted since only
        // together with them (tombstones), so this is a replay of Kafka's simple-group rule.
        if (!find_group(group_id) && !find_consumer_group(group_id)) create_group(group_id);
        for (const auto& [topic, parts] : topics) {
            for (const auto& [p, o] : parts) {
                // Kafka 4.0: the most recently written offset wins; a non-transactional commit
                // of the same partition written after the transaction's keeps its place.
                const offset_and_metadata* current = offsets.find(group_id, topic, p);
                if (!current || o.log_order > current->log_order) offsets.put(group_id, topic, p, o);
            }
        }
    }
}

} // namespace sluice::coordinator
