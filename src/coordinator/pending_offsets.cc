#include "coordinator/pending_offsets.h"

namespace sluice::coordinator {

void pending_offsets::add(owner who, const std::string& group, const std::string& topic, int32_t partition,
                          offset_and_metadata o) {
    _by_owner[who].put(group, topic, partition, std::move(o));
    _open[group][topic][partition].insert(who);
}

std::optional<offset_store> pending_offsets::take(owner who) {
    auto it = _by_owner.find(who);
    if (it == _by_owner.end()) return std::nullopt;
    offset_store taken = std::move(it->second);
    _by_owner.erase(it);
    for (const auto& [group, topics] : taken.all())
        for (const auto& [topic, parts] : topics)
            for (const auto& [partition, o] : parts) unindex(group, topic, partition, who);
    return taken;
}

void pending_offsets::erase(const std::string& group, const std::string& topic, int32_t partition, uint64_t before) {
    auto g = _open.find(group);
    if (g == _open.end()) return;
    auto t = g->second.find(topic);
    if (t == g->second.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    const std::set<owner> owners = p->second; // unindex may erase it
    for (const owner& who : owners) {
        auto store = _by_owner.find(who);
        if (store == _by_owner.end()) continue;
        const offset_and_metadata* o = store->second.find(group, topic, partition);
        if (!o || o->log_order >= before) continue;
        store->second.erase(group, topic, partition);
        if (store->second.all().empty()) _by_owner.erase(store);
        unindex(group, topic, partition, who);
    }
}

void pending_offsets::erase_written(owner who, const std::string& group, const std::string& topic, int32_t partition,
                                    uint64_t log_order) {
    auto store = _by_owner.find(who);
    if (store == _by_owner.end()) return;
    const offset_and_metadata* o = store->second.find(group, topic, partition);
    if (!o || o->log_order != log_order) return;
    store->second.erase(group, topic, partition);
    if (store->second.all().empty()) _by_owner.erase(store);
    unindex(group, topic, partition, who);
}

void pending_offsets::drop_partition(int32_t partition) {
    std::vector<owner> owners;
    for (const auto& [who, store] : _by_owner)
        if (who.first == partition) owners.push_back(who);
    for (const owner& who : owners) take(who);
}

bool pending_offsets::contains(const std::string& group, const std::string& topic, int32_t partition) const {
    auto g = _open.find(group);
    if (g == _open.end()) return false;
    auto t = g->second.find(topic);
    return t != g->second.end() && t->second.contains(partition);
}

std::vector<pending_offsets::topic_partition> pending_offsets::partitions_of(const std::string& group) const {
    std::vector<topic_partition> out;
    auto g = _open.find(group);
    if (g == _open.end()) return out;
    for (const auto& [topic, parts] : g->second)
        for (const auto& [partition, owners] : parts) out.push_back({topic, partition});
    return out;
}

std::vector<std::string> pending_offsets::groups_with(const std::string& topic) const {
    std::vector<std::string> out;
    for (const auto& [group, topics] : _open)
        if (topics.contains(topic)) out.push_back(group);
    return out;
}

void pending_offsets::unindex(const std::string& group, const std::string& topic, int32_t partition, owner who) {
    auto g = _open.find(group);
    if (g == _open.end()) return;
    auto t = g->second.find(topic);
    if (t == g->second.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    p->second.erase(who);
    if (!p->second.empty()) return;
    t->second.erase(p);
    if (!t->second.empty()) return;
    g->second.erase(t);
    if (g->second.empty()) _open.erase(g);
}

} // namespace sluice::coordinator
