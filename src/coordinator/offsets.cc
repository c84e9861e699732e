// OffsetCommit, OffsetFetch, OffsetDelete and deleted topics (Kafka 4.0 OffsetMetadataManager
// and ClassicGroup's offset validation). Offsets change in memory only once their records are
// durable.
#include "base/log.h"
#include "coordinator/coordinator_impl.h"
#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

namespace {

struct pending_commit {
    std::string topic;
    int32_t partition;
    offset_and_metadata value;
};

void set_all(msg::offset_commit_response& response, error_code e) {
    for (auto& t : response.topics)
        for (auto& p : t.partitions) p.error_code = e;
}

} // namespace

error_code group_coordinator::impl::validate_offset_commit(int16_t version, const msg::offset_commit_request& request) {
    const int32_t generation = request.generation_id_or_member_epoch;
    if (const consumer_group* cg = find_consumer_group(request.group_id))
        return validate_consumer_offset_commit(version, *cg, request);
    classic_group* g = find_group(request.group_id);
    if (!g) {
        // A consumer without group management (or the admin client): a "simple" group, Empty
        // with no protocol type, is created.
        if (generation < 0) {
            create_group(request.group_id);
            return error_code::none;
        }
        // v9 (KIP-848) says so; older versions keep ILLEGAL_GENERATION.
        return version >= 9 ? error_code::group_id_not_found : error_code::illegal_generation;
    }
    if (g->in_state(group_state::dead)) return error_code::coordinator_not_available;
    if (generation < 0 && g->in_state(group_state::empty)) return error_code::none;
    if (generation >= 0 || !request.member_id.empty() || request.group_instance_id) {
        if (error_code e = validate_member(*g, request.member_id, request.group_instance_id); e != error_code::none)
            return e;
        if (generation != g->generation()) return error_code::illegal_generation;
    } else if (!g->in_state(group_state::empty)) {
        // No member id and no generation: only an Empty group takes such commits.
        return error_code::unknown_member_id;
    }
    // No member can hold the new generation before it is Stable.
    if (g->in_state(group_state::completing_rebalance)) return error_code::rebalance_in_progress;
    return error_code::none;
}

void group_coordinator::impl::offset_commit(int16_t version, msg::offset_commit_request&& request,
                                            callback<msg::offset_commit_response> done) {
    msg::offset_commit_response response;
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
    if (error_code e = validate_offset_commit(version, request); e != error_code::none) return fail(e);

    const int64_t now = timers.now_ms();
    std::optional<int64_t> expire;
    if (version <= 4 && request.retention_time_ms != -1) expire = now + request.retention_time_ms;
    std::vector<offsets_record> records;
    std::vector<pending_commit> commits;
    for (size_t ti = 0; ti < request.topics.size(); ++ti) {
        auto& t = request.topics[ti];
        for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
            auto& p = t.partitions[pi];
            if (p.committed_metadata && p.committed_metadata->size() > static_cast<size_t>(config.offset_metadata_max_bytes)) {
                response.topics[ti].partitions[pi].error_code = error_code::offset_metadata_too_large;
                continue;
            }
            offset_and_metadata o{p.committed_offset.value(), p.committed_leader_epoch.value(),
                                  p.committed_metadata.value_or(""), now, expire, 0};
            records.push_back(offset_commit_record(request.group_id, t.name, p.partition_index.value(), o));
            commits.push_back({t.name, p.partition_index.value(), std::move(o)});
        }
    }
    if (records.empty()) return done(std::move(response));
    // The log order write() gives the records (commits[i] is records[i]).
    for (size_t i = 0; i < commits.size(); ++i) commits[i].value.log_order = next_log_order + i;
    std::string group_id = request.group_id;
    write(partition_of(group_id), std::move(records),
          [this, group_id, existed, commits = std::move(commits), response = std::move(response),
           done = std::move(done)](error_code e) mutable {
              if (e != error_code::none) {
                  // A simple group created for this commit holds nothing: forget it again.
                  classic_group* g = find_group(group_id);
                  if (!existed && g && g->in_state(group_state::empty) && g->empty_of_members() && !offsets.group(group_id))
                      groups.erase(group_id);
                  set_all(response, append_error_to_response(e));
                  return done(std::move(response));
              }
              if (!find_group(group_id) && !find_consumer_group(group_id)) create_group(group_id);
              // A transaction committed meanwhile may have put a newer offset there.
              for (auto& c : commits) offsets.put_if_newer(group_id, c.topic, c.partition, std::move(c.value));
              done(std::move(response));
          });
}

msg::offset_fetch_response::offset_fetch_response_group
group_coordinator::impl::offset_fetch(const msg::offset_fetch_request::offset_fetch_request_group& request,
                                      bool require_stable) const {
    using response_group = msg::offset_fetch_response::offset_fetch_response_group;
    response_group out;
    out.group_id = request.group_id;
    if (error_code e = partition_error(request.group_id); e != error_code::none) {
        out.error_code = e;
        return out;
    }
    // KIP-848 (v9): a consumer group's members fetch with their member id and epoch; without
    // both (admin clients), anyone may (Kafka 4.0 ConsumerGroup.validateOffsetFetch).
    if (auto cg = consumer_groups.find(request.group_id); cg != consumer_groups.end()) {
        if (request.member_id || request.member_epoch >= 0) {
            const consumer_member* m = request.member_id ? cg->second->find(*request.member_id) : nullptr;
            error_code e = !m ? error_code::unknown_member_id
                              : m->member_epoch != request.member_epoch ? error_code::stale_member_epoch
                                                                        : error_code::none;
            if (e != error_code::none) {
                out.error_code = e;
                return out;
            }
        }
    }
    auto it = groups.find(request.group_id);
    // A group that does not exist has no offsets: -1 for what was asked, no error.
    const bool known = (it != groups.end() && !it->second->in_state(group_state::dead)) ||
                       consumer_groups.contains(request.group_id);
    const offset_store::topics* committed = known ? offsets.group(request.group_id) : nullptr;
    auto entry = [&](const std::string& topic, int32_t partition, const offset_and_metadata* o) {
        msg::offset_fetch_response::offset_fetch_response_partitions p;
        p.partition_index = model::partition_id{partition};
        p.committed_offset = model::offset{-1};
        p.committed_leader_epoch = model::leader_epoch{-1};
        p.metadata = "";
        p.error_code = error_code::none;
        if (require_stable && has_pending_transactional_offsets(request.group_id, topic, partition)) {
            p.error_code = error_code::unstable_offset_commit;
        } else if (o) {
            p.committed_offset = model::offset{o->offset};
            p.committed_leader_epoch = model::leader_epoch{o->leader_epoch};
            p.metadata = o->metadata;
        }
        return p;
    };
    if (!request.topics) {
        if (!committed) return out;
        for (const auto& [topic, parts] : *committed) {
            auto& t = out.topics.emplace_back();
            t.name = topic;
            for (const auto& [partition, o] : parts) t.partitions.push_back(entry(topic, partition, &o));
        }
        return out;
    }
    for (const auto& rt : *request.topics) {
        auto& t = out.topics.emplace_back();
        t.name = rt.name;
        for (auto partition : rt.partition_indexes) {
            const offset_and_metadata* o = committed ? offsets.find(request.group_id, rt.name, partition.value()) : nullptr;
            t.partitions.push_back(entry(rt.name, partition.value(), o));
        }
    }
    return out;
}

void group_coordinator::impl::offset_delete(const msg::offset_delete_request& request,
                                            callback<msg::offset_delete_response> done) {
    msg::offset_delete_response response;
    auto fail = [&](error_code e) {
        response.error_code = e;
        done(std::move(response));
    };
    if (request.group_id.empty()) return fail(error_code::invalid_group_id);
    if (error_code e = partition_error(request.group_id); e != error_code::none) return fail(e);
    classic_group* g = find_group(request.group_id);
    const consumer_group* cg = find_consumer_group(request.group_id);
    if (!cg && (!g || g->in_state(group_state::dead))) return fail(error_code::group_id_not_found);
    // A group with members may delete offsets only of topics its consumers do not subscribe to
    // (a consumer group always may, Kafka 4.0 ConsumerGroup.validateOffsetDelete).
    if (!cg && !g->in_state(group_state::empty) && !g->uses_consumer_protocol()) return fail(error_code::non_empty_group);
    const int32_t partition = cg ? cg->partition : g->partition();

    std::vector<offsets_record> records;
    std::vector<std::pair<std::string, int32_t>> deleted;
    for (const auto& t : request.topics) {
        auto& rt = response.topics.emplace_back();
        rt.name = t.name;
        const bool subscribed = cg ? cg->subscribed_to(t.name) : g->subscribed_to(t.name);
        for (const auto& p : t.partitions) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = p.partition_index;
            rp.error_code = subscribed ? error_code::group_subscribed_to_topic : error_code::none;
            // Kafka 4.0: a tombstone also for an offset only pending in a transaction.
            if (!subscribed && (offsets.find(request.group_id, t.name, p.partition_index.value()) ||
                                pending.contains(request.group_id, t.name, p.partition_index.value()))) {
                records.push_back(offset_tombstone(request.group_id, t.name, p.partition_index.value()));
                deleted.emplace_back(t.name, p.partition_index.value());
            }
        }
    }
    if (records.empty()) return done(std::move(response));
    std::string group_id = request.group_id;
    const uint64_t order = next_log_order;
    write(partition, std::move(records),
          [this, group_id, order, deleted = std::move(deleted), response = std::move(response),
           done = std::move(done)](error_code e) mutable {
              if (e != error_code::none) {
                  msg::offset_delete_response failed;
                  failed.error_code = append_error_to_response(e);
                  return done(std::move(failed));
              }
              for (const auto& [topic, partition] : deleted) {
                  offsets.erase(group_id, topic, partition);
                  erase_pending_before(group_id, topic, partition, order);
              }
              done(std::move(response));
          });
}

void group_coordinator::impl::topics_deleted(const std::vector<std::string>& topics) {
    std::map<int32_t, std::vector<offsets_record>> records;
    std::map<int32_t, std::vector<std::tuple<std::string, std::string, offset_and_metadata, int32_t>>> erased;
    // Offsets only pending in a transaction get a tombstone too (Kafka 4.0 onTopicsDeleted).
    std::map<int32_t, std::vector<std::tuple<std::string, std::string, int32_t>>> erased_pending;
    for (const auto& [group_id, by_topic] : offsets.all()) {
        int32_t partition = partition_of(group_id);
        if (partition_error(group_id) != error_code::none) continue;
        for (const auto& topic : topics) {
            auto t = by_topic.find(topic);
            if (t == by_topic.end()) continue;
            for (const auto& [p, o] : t->second) {
                records[partition].push_back(offset_tombstone(group_id, topic, p));
                erased[partition].emplace_back(group_id, topic, o, p);
            }
        }
    }
    for (const auto& topic : topics) {
        for (const auto& group_id : pending.groups_with(topic)) {
            if (partition_error(group_id) != error_code::none) continue;
            const int32_t partition = partition_of(group_id);
            for (const auto& tp : pending.partitions_of(group_id)) {
                if (tp.topic != topic) continue;
                if (!offsets.find(group_id, topic, tp.partition))
                    records[partition].push_back(offset_tombstone(group_id, topic, tp.partition));
                erased_pending[partition].emplace_back(group_id, topic, tp.partition);
            }
        }
    }
    for (auto& [partition, batch] : records) {
        const uint64_t order = next_log_order;
        write(partition, std::move(batch),
              [this, order, gone = std::move(erased[partition]),
               gone_pending = std::move(erased_pending[partition])](error_code e) {
                  if (e != error_code::none) {
                      log::warn("removing offsets of deleted topics failed: {}", protocol::name(e));
                      return;
                  }
                  for (const auto& [group_id, topic, value, p] : gone) {
                      const offset_and_metadata* now = offsets.find(group_id, topic, p);
                      if (now && *now == value) offsets.erase(group_id, topic, p);
                  }
                  for (const auto& [group_id, topic, p] : gone_pending) erase_pending_before(group_id, topic, p, order);
              });
    }
}

} // namespace sluice::coordinator
